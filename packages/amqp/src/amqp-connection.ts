import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { KratosError, redact, safeLogger, type Logger } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import type { AmqpConnectionOptions } from './amqp-connection-options.js';
import { AmqpErrorCode } from './amqp-error-codes.js';
import { resolveConnectionOptions, type ResolvedConnectionOptions } from './resolve-connection-options.js';
import { publishSpan } from './telemetry/publish-span.js';

/** Where an `AmqpConnection` is. */
export type AmqpConnectionState = 'idle' | 'opening' | 'open' | 'lost' | 'closed';

/** What `AmqpConnection.publish()` takes beside the routing key and the body. */
export interface AmqpPublishOptions {
  /** The exchange. Default `''`: the default exchange, the routing key being the queue's name. */
  readonly exchange?: string;
  /** The message's id (AMQP `message-id`): what consumers name it by in their logs. */
  readonly messageId?: string;
  /** Headers of the message. */
  readonly headers?: Readonly<Record<string, unknown>>;
  /** Its content type. Default `application/json`. */
  readonly contentType?: string;
}

/**
 * The connection to RabbitMQ shared by the consumers and publishers of a process: a client
 * resource, opened by a `@BeforeStart` hook (before any consumer starts) and closed by an
 * `@AfterStop` hook (once every server has stopped, so HTTP handlers can still publish while they
 * drain). After a broker loss it reconnects with backoff forever, logging the loss once (warn,
 * `KRATOS_AMQP_CONNECTION_LOST`) and the recovery once (info, `KRATOS_AMQP_CONNECTION_RECOVERED`);
 * consumers resume on their own. The URL's password is redacted in every log and error.
 *
 * @example
 * class Amqp extends AmqpConnection {
 *   constructor() { super({ url: process.env.AMQP_URL! }); }
 *   \@BeforeStart() override open({ signal }: HookContext) { return super.open(signal); }
 *   \@AfterStop() override close({ signal }: HookContext) { return super.close(signal); }
 * }
 */
export class AmqpConnection {
  readonly #options: ResolvedConnectionOptions;
  readonly #logger: Logger;
  readonly #listeners = new Set<() => void>();
  #state: AmqpConnectionState = 'idle';
  #model: ChannelModel | undefined;
  #publisher: Promise<ConfirmChannel> | undefined;
  #opening: Promise<void> | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #lostAt = 0;
  #attempts = 0;

  /** Checks the options (`KRATOS_AMQP_INVALID_OPTIONS` lists every problem); connects to nothing yet. */
  constructor(options: AmqpConnectionOptions) {
    this.#options = resolveConnectionOptions(options);
    this.#logger = safeLogger(this.#options.logger);
  }

  /** Where it is: `idle`, `opening`, `open`, `lost` (reconnecting), `closed`. */
  get state(): AmqpConnectionState {
    return this.#state;
  }

  /** The URL with its password redacted, as logs and errors show it. */
  get redactedUrl(): string {
    return redact(this.#options.url);
  }

  /**
   * Connects (once: a broker unreachable now fails the start) and resolves when connected.
   * Rejects with `KRATOS_AMQP_CONNECT_FAILED` when it cannot, or when `signal` aborts first (a
   * connection made after that is closed). Meant for a `@BeforeStart` hook: pass its signal.
   */
  open(signal: AbortSignal = new AbortController().signal): Promise<void> {
    if (this.#state !== 'idle') {
      return Promise.reject(
        new KratosError(
          AmqpErrorCode.NotOpen,
          `AmqpConnection to ${this.redactedUrl} was asked to open while ${this.#state}. Open it once, from a @BeforeStart hook.`,
        ),
      );
    }
    this.#state = 'opening';
    this.#opening = this.#open(signal);
    return this.#opening;
  }

  async #open(signal: AbortSignal): Promise<void> {
    try {
      const model = await abortable(
        this.#connect(),
        signal,
        (late) => void late.close().catch(() => undefined),
      );
      if (this.#state !== 'opening') {
        await model.close().catch(() => undefined); // closed while opening
        return;
      }
      try {
        await abortable(this.#declare(model), signal, () => undefined);
      } catch (error) {
        discard(model);
        if (signal.aborted) throw error; // the open gave up (start timeout): a failed connect
        if (this.#state === 'opening') this.#state = 'closed';
        throw new KratosError(
          AmqpErrorCode.TopologyFailed,
          `AmqpConnection to ${this.redactedUrl} connected, but its topology option failed: ${redact(describeError(error))}. Fix the declarations (a queue declared before with other arguments is refused by RabbitMQ).`,
          { cause: scrub(error) },
        );
      }
      if (this.#state !== 'opening') {
        await model.close().catch(() => undefined); // closed while declaring
        return;
      }
      this.#adopt(model);
      this.#state = 'open';
    } catch (error) {
      if (error instanceof KratosError && error.code === AmqpErrorCode.TopologyFailed) throw error;
      if (this.#state === 'opening') this.#state = 'closed';
      throw new KratosError(
        AmqpErrorCode.ConnectFailed,
        `AmqpConnection could not connect to ${this.redactedUrl}: ${redact(describeError(error))}. Check that the broker runs and the URL, user and vhost are right.`,
        { cause: scrub(error) },
      );
    }
  }

  /**
   * Closes the connection (and stops reconnecting), waiting no longer than `signal`: when it
   * aborts, the socket is destroyed and it resolves. Never rejects; safe on a connection that never
   * opened, and twice. Meant for an `@AfterStop` hook: pass its signal.
   */
  async close(signal: AbortSignal = new AbortController().signal): Promise<void> {
    const opening = this.#opening;
    this.#state = 'closed';
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#listeners.clear();
    await opening?.catch(() => undefined);
    const model = this.#model;
    this.#model = undefined;
    this.#publisher = undefined;
    if (model === undefined) return;
    await new Promise<void>((resolve) => {
      const destroy = (): void => {
        destroySocket(model);
        resolve();
      };
      if (signal.aborted) return destroy();
      signal.addEventListener('abort', destroy, { once: true });
      model.close().then(
        () => resolve(),
        () => destroy(),
      );
    }).finally(() => destroySocket(model));
  }

  /**
   * Publishes a persistent message with publisher confirms: resolves once the broker has it.
   * Rejects with `KRATOS_AMQP_PUBLISH_NOT_CONFIRMED` when the broker nacks it, is unreachable
   * (lost, reconnecting) or has not confirmed it within `publishTimeout`, `KRATOS_AMQP_NOT_OPEN` before `open()` or after `close()`,
   * `KRATOS_AMQP_INVALID_PUBLISH` for an empty routing key on the default exchange.
   *
   * Traced (OpenTelemetry API; nothing without an SDK): a PRODUCER span `publish <queue or
   * exchange>`, a child of the active context, whose W3C `traceparent` goes into the message's
   * headers, so that the consuming `ConsumerServer`'s span links to it.
   *
   * @example
   * await amqp.publish('greetings.done', JSON.stringify({ id, message }), { messageId: id });
   */
  async publish(
    routingKey: string,
    body: string | Uint8Array,
    options: AmqpPublishOptions = {},
  ): Promise<void> {
    const exchange = options.exchange ?? '';
    if (typeof routingKey !== 'string' || (exchange === '' && routingKey === '')) {
      throw new KratosError(
        AmqpErrorCode.InvalidPublish,
        `AmqpConnection.publish() needs a queue name (the routing key on the default exchange), got ${JSON.stringify(routingKey)}.`,
      );
    }
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new KratosError(
        AmqpErrorCode.InvalidPublish,
        `AmqpConnection.publish() to "${routingKey}" needs a string or bytes as body, got ${typeof body}.`,
      );
    }
    this.#assertUsable(`publish to "${routingKey}"`);
    const span = publishSpan(exchange, routingKey, options.messageId);
    try {
      const { traceHeaders } = span;
      await this.#publish(
        exchange,
        routingKey,
        body,
        traceHeaders === undefined
          ? options
          : { ...options, headers: { ...options.headers, ...traceHeaders } },
      );
      span.end();
    } catch (error) {
      span.end(error);
      throw error;
    }
  }

  /** Publishes once open, waiting for the confirm no longer than `publishTimeout`. */
  async #publish(
    exchange: string,
    routingKey: string,
    body: string | Uint8Array,
    options: AmqpPublishOptions,
  ): Promise<void> {
    if (this.#state !== 'open')
      throw this.#notConfirmed(routingKey, 'the broker is unreachable (reconnecting)');
    // A broker that stops answering with its socket open (a frozen host, a partition) is noticed
    // only after missed heartbeats (~3 × heartbeat): the confirm is waited for publishTimeout.
    const { publishTimeout } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            this.#notConfirmed(
              routingKey,
              `no confirm within ${publishTimeout} ms (publishTimeout); the broker may be unreachable`,
            ),
          ),
        publishTimeout,
      );
    });
    try {
      await Promise.race([this.#publishConfirmed(exchange, routingKey, body, options), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Publishes on the confirm channel; resolves at the broker's confirm. */
  async #publishConfirmed(
    exchange: string,
    routingKey: string,
    body: string | Uint8Array,
    options: AmqpPublishOptions,
  ): Promise<void> {
    let channel: ConfirmChannel;
    try {
      channel = await this.#publisherChannel();
    } catch (error) {
      throw this.#notConfirmed(routingKey, describeError(error), error);
    }
    const content =
      typeof body === 'string'
        ? Buffer.from(body)
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    await new Promise<void>((resolve, reject) => {
      try {
        channel.publish(
          exchange,
          routingKey,
          content,
          {
            persistent: true,
            contentType: options.contentType ?? 'application/json',
            ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
            ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
          },
          (error: unknown) =>
            error ? reject(this.#notConfirmed(routingKey, describeError(error), error)) : resolve(),
        );
      } catch (error) {
        reject(this.#notConfirmed(routingKey, describeError(error), error));
      }
    });
  }

  /**
   * A new confirm channel on the current connection (for a consumer).
   *
   * @internal
   */
  async createChannel(): Promise<ConfirmChannel> {
    this.#assertUsable('open a channel');
    const model = this.#model;
    if (model === undefined || this.#state !== 'open')
      throw new Error('the broker is unreachable (reconnecting)');
    const channel = await model.createConfirmChannel();
    channel.on('error', () => undefined); // its close follows, which is what users of it watch
    return channel;
  }

  /**
   * Calls `listener` after each reconnection (not the first open); returns the unsubscribe.
   *
   * @internal
   */
  onReconnect(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Throws `KRATOS_AMQP_NOT_OPEN` unless open or reconnecting. @internal */
  assertUsable(what: string): void {
    this.#assertUsable(what);
  }

  #assertUsable(what: string): void {
    if (this.#state === 'open' || this.#state === 'lost') return;
    throw new KratosError(
      AmqpErrorCode.NotOpen,
      `AmqpConnection to ${this.redactedUrl} cannot ${what}: it is ${this.#state === 'closed' ? 'closed' : 'not open yet'}. Open it in a @BeforeStart hook and close it in an @AfterStop hook, so that it is open while any server runs.`,
    );
  }

  #notConfirmed(routingKey: string, why: string, cause?: unknown): KratosError {
    return new KratosError(
      AmqpErrorCode.PublishNotConfirmed,
      `The broker at ${this.redactedUrl} did not confirm a message published to "${routingKey}": ${redact(why)}. It may not be stored: publish it again.`,
      cause === undefined ? {} : { cause: scrub(cause) },
    );
  }

  #connect(): Promise<ChannelModel> {
    // amqplib takes the heartbeat from the URL's query; one the URL sets itself wins.
    const { url, heartbeat } = this.#options;
    const withHeartbeat = /[?&]heartbeat=/.test(url)
      ? url
      : `${url}${url.includes('?') ? '&' : '?'}heartbeat=${heartbeat}`;
    return connect(withHeartbeat, { timeout: 5_000 });
  }

  /** Runs the `topology` option on a channel of `model` of its own, closed afterwards. */
  async #declare(model: ChannelModel): Promise<void> {
    const { topology } = this.#options;
    if (topology === undefined) return;
    const channel = await model.createChannel();
    channel.on('error', () => undefined); // a refused declaration rejects the call that made it
    await topology(channel);
    await channel.close().catch(() => undefined);
  }

  #publisherChannel(): Promise<ConfirmChannel> {
    if (this.#publisher === undefined) {
      const made = this.createChannel();
      this.#publisher = made;
      made.then(
        (channel) =>
          channel.on('close', () => void (this.#publisher === made && (this.#publisher = undefined))),
        () => void (this.#publisher === made && (this.#publisher = undefined)),
      );
    }
    return this.#publisher;
  }

  #adopt(model: ChannelModel): void {
    this.#model = model;
    this.#publisher = undefined;
    let cause: unknown;
    model.on('error', (error: unknown) => void (cause = error));
    model.on('close', (error?: unknown) => {
      if (this.#model !== model) return;
      this.#model = undefined;
      this.#publisher = undefined;
      if (this.#state !== 'open') return; // closed by us
      this.#lost(error ?? cause);
    });
  }

  #lost(cause: unknown): void {
    this.#state = 'lost';
    this.#lostAt = Date.now();
    this.#attempts = 0;
    this.#logger.warn(
      { code: AmqpErrorCode.ConnectionLost, url: this.redactedUrl, err: redact(describeError(cause)) },
      `Lost the connection to RabbitMQ at ${this.redactedUrl} (${redact(describeError(cause))}); reconnecting with backoff until it is back.`,
    );
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const { reconnectMinDelay, reconnectMaxDelay } = this.#options;
    const delay = Math.min(reconnectMaxDelay, reconnectMinDelay * 2 ** Math.min(this.#attempts, 30));
    this.#reconnectTimer = setTimeout(() => void this.#reconnect(), delay);
  }

  async #reconnect(): Promise<void> {
    this.#reconnectTimer = undefined;
    if (this.#state !== 'lost') return;
    this.#attempts += 1;
    let model: ChannelModel;
    try {
      model = await this.#connect();
    } catch (error) {
      this.#logger.debug(
        { url: this.redactedUrl, attempt: this.#attempts, err: redact(describeError(error)) },
        `Reconnection attempt ${this.#attempts} to ${this.redactedUrl} failed.`,
      );
      if (this.#state === 'lost') this.#scheduleReconnect();
      return;
    }
    try {
      await this.#declare(model);
    } catch (error) {
      discard(model);
      this.#logger.warn(
        {
          code: AmqpErrorCode.TopologyFailed,
          url: this.redactedUrl,
          attempt: this.#attempts,
          err: redact(describeError(error)),
        },
        `Reconnected to ${this.redactedUrl}, but the topology option failed (${redact(describeError(error))}); trying again.`,
      );
      if (this.#state === 'lost') this.#scheduleReconnect();
      return;
    }
    if (this.#state !== 'lost') {
      await model.close().catch(() => undefined);
      return;
    }
    this.#adopt(model);
    this.#state = 'open';
    this.#logger.info(
      {
        code: AmqpErrorCode.ConnectionRecovered,
        url: this.redactedUrl,
        attempts: this.#attempts,
        downMs: Date.now() - this.#lostAt,
      },
      `Reconnected to RabbitMQ at ${this.redactedUrl} after ${Date.now() - this.#lostAt} ms (${this.#attempts} attempt${this.#attempts === 1 ? '' : 's'}); consumers resume.`,
    );
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // a listener's failure is its own business (consumers log theirs)
      }
    }
  }
}

/** `promise`, or a rejection when `signal` aborts first; a value that comes later goes to `late`. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, late: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const onAbort = (): void => {
      done = true;
      reject(new Error('the open signal aborted before the broker answered'));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (done) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!done) reject(error instanceof Error ? error : new Error(describeError(error)));
      },
    );
  });
}

/**
 * Closes a connection nobody adopted (its topology failed), its socket destroyed if the broker
 * does not answer within 2 s; what it emits later (a heartbeat timeout) is nobody's concern.
 */
function discard(model: ChannelModel): void {
  model.on('error', () => undefined);
  const timer = setTimeout(() => destroySocket(model), 2_000);
  void model
    .close()
    .catch(() => undefined)
    .finally(() => {
      clearTimeout(timer);
      destroySocket(model);
    });
}

/**
 * Destroys the connection's socket: what is left when the broker does not answer a close. With an
 * error: amqplib learns its socket is gone from 'end' or 'error' only, not 'close', and until it
 * does its heartbeat timers run on (2 heartbeats) and keep the process alive. The connection then
 * ends as on a socket error: its channels close, its timers stop, 'error' and 'close' are emitted
 * (every model passed here has an 'error' listener).
 */
function destroySocket(model: ChannelModel): void {
  const stream = (model.connection as unknown as { stream?: { destroy?: (error?: Error) => void } }).stream;
  stream?.destroy?.(new Error('closed by AmqpConnection: the broker did not answer the close in time'));
}

/** A cause safe to keep: its message redacted (amqplib may echo the URL). */
function scrub(error: unknown): Error {
  const scrubbed = new Error(redact(describeError(error)));
  if (error instanceof Error) scrubbed.name = error.name;
  return scrubbed;
}
