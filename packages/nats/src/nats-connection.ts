import { KratosError, safeLogger, silentLogger, type Logger } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection as NatsClient } from '@nats-io/transport-node';
import type { NatsConnectionOptions } from './nats-connection-options.js';
import { NatsErrorCode } from './nats-error-codes.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { publishSpan } from './telemetry/publish-span.js';
import {
  resolveNatsConnectionOptions,
  type ResolvedNatsConnectionOptions,
} from './resolve-nats-connection-options.js';

/** What `NatsConnection.publish` takes beside the subject and payload. */
export interface NatsPublishOptions {
  /** Headers to send with the message. */
  readonly headers?: Readonly<Record<string, string>>;
  /** JetStream de-duplication id (`Nats-Msg-Id`). */
  readonly msgId?: string;
}

/** Where a `NatsConnection` is. */
export type NatsConnectionPhase = 'idle' | 'opening' | 'open' | 'closed';

/**
 * The NATS connection a process's consumers and publishers share: opened by a `@BeforeStart` hook,
 * closed by an `@AfterStop` hook once every server has stopped (so HTTP handlers still publish while
 * they drain). After a loss it reconnects with backoff forever; the loss and the recovery are each
 * logged once (warn, info), the URL redacted; consumers resume on their own.
 *
 * @example
 * class Nats {
 *   readonly connection = new NatsConnection({ url: process.env.NATS_URL! });
 *   \@BeforeStart() open({ signal }: HookContext) { return this.connection.open(signal); }
 *   \@AfterStop() close({ signal }: HookContext) { return this.connection.close(signal); }
 * }
 */
export class NatsConnection {
  readonly #options: ResolvedNatsConnectionOptions;
  readonly #logger: Logger;
  readonly #reconnectListeners = new Set<() => void>();
  readonly #backoff: ReconnectBackoff;
  #phase: NatsConnectionPhase = 'idle';
  #client: NatsClient | undefined;
  #js: JetStreamClient | undefined;
  #opening: Promise<void> | undefined;

  /** Checks the options (`KRATOS_NATS_INVALID_OPTIONS` lists every problem); connects nothing yet. */
  constructor(options: NatsConnectionOptions) {
    this.#options = resolveNatsConnectionOptions(options);
    this.#logger = safeLogger(this.#options.logger ?? silentLogger);
    this.#backoff = new ReconnectBackoff(this.#options.reconnectInitialMs, this.#options.reconnectMaxMs);
  }

  /** The server URL with its credentials redacted, as logs show it. */
  get url(): string {
    return this.#options.redactedUrl;
  }

  /** Where it is: `idle`, `opening`, `open`, `closed`. */
  get phase(): NatsConnectionPhase {
    return this.#phase;
  }

  /** The logger it was given (safe), for the consumers on it. */
  get logger(): Logger {
    return this.#logger;
  }

  /**
   * Connects and resolves once connected. Rejects with `KRATOS_NATS_CONNECT_FAILED` when the server
   * cannot be reached or `signal` aborts first (a connection made after that is closed).
   */
  open(signal: AbortSignal = new AbortController().signal): Promise<void> {
    this.#opening ??= this.#open(signal);
    return this.#opening;
  }

  async #open(signal: AbortSignal): Promise<void> {
    this.#phase = 'opening';
    const { server, user, pass, name } = this.#options;
    const connecting = connect({
      servers: server,
      name,
      ...(user === undefined ? {} : { user }),
      ...(pass === undefined ? {} : { pass }),
      maxReconnectAttempts: -1,
      waitOnFirstConnect: false,
      reconnectJitter: 0,
      reconnectDelayHandler: () => this.#backoff.next(),
    });
    let client: NatsClient;
    try {
      client = await raceSignal(connecting, signal);
    } catch (error) {
      void connecting.then((late) => late.close()).catch(() => undefined);
      this.#phase = 'closed';
      throw new KratosError(
        NatsErrorCode.ConnectFailed,
        `NatsConnection could not connect to ${this.url}: ${describeError(error)}. Check that nats-server runs there with -js and that the credentials are right.`,
        { cause: error },
      );
    }
    this.#client = client;
    this.#js = jetstream(client);
    this.#phase = 'open';
    void this.#watch(client);
    this.#logger.info({ url: this.url }, `Connected to NATS at ${this.url}.`);
  }

  /** Logs each loss and each recovery once. */
  async #watch(client: NatsClient): Promise<void> {
    let lost = false;
    let lostAt = 0;
    try {
      for await (const status of client.status()) {
        if (status.type === 'disconnect' && !lost) {
          lost = true;
          lostAt = Date.now();
          this.#logger.warn(
            { code: NatsErrorCode.ConnectionLost, url: this.url },
            `Lost the connection to NATS at ${this.url}; reconnecting with backoff (forever). Consumers resume once it is back.`,
          );
        } else if (status.type === 'reconnect') {
          if (lost) {
            const downMs = Date.now() - lostAt;
            this.#logger.info(
              { code: NatsErrorCode.ConnectionRecovered, url: this.url, downMs },
              `Reconnected to NATS at ${this.url} after ${downMs} ms; consumers resume.`,
            );
          }
          lost = false;
          this.#backoff.reset();
          for (const listener of [...this.#reconnectListeners]) {
            try {
              listener();
            } catch {
              // a listener's failure is its own business (consumers log theirs)
            }
          }
        }
      }
    } catch {
      // the status iterator ends with the connection
    }
  }

  /**
   * Closes the connection, waiting no longer than `signal`: a server that does not answer is left
   * behind (the socket is torn down by the client). Tolerates a connection that never opened.
   */
  async close(signal: AbortSignal = new AbortController().signal): Promise<void> {
    await this.#opening?.catch(() => undefined);
    const client = this.#client;
    this.#phase = 'closed';
    this.#reconnectListeners.clear();
    this.#client = undefined;
    this.#js = undefined;
    if (client === undefined || client.isClosed()) return;
    await raceSignal(client.close(), signal).catch(() => undefined);
  }

  /**
   * Publishes to JetStream and resolves with the publish ack once a stream stored the message.
   * Rejects with `KRATOS_NATS_PUBLISH_FAILED` when not confirmed (no stream, timeout, server down),
   * `KRATOS_NATS_NOT_OPEN` before `open()` or after `close()`, `KRATOS_NATS_INVALID_OPTIONS` for an
   * empty subject.
   *
   * Traced (OpenTelemetry API; nothing without an SDK): a PRODUCER span `publish <subject>`, a
   * child of the active context, whose W3C `traceparent` goes into the message's headers, so that
   * the consuming `ConsumerServer`'s span links to it.
   */
  async publish(
    subject: string,
    payload: Uint8Array | string,
    options: NatsPublishOptions = {},
  ): Promise<PubAck> {
    if (typeof subject !== 'string' || subject.trim() === '') {
      throw new KratosError(
        NatsErrorCode.InvalidOptions,
        `NatsConnection.publish() needs a non-empty subject such as 'greetings.done', got ${JSON.stringify(subject)}.`,
      );
    }
    const js = this.jetstream();
    const span = publishSpan(subject, options.msgId);
    const { traceHeaders } = span;
    const hdrs = options.headers === undefined && traceHeaders === undefined ? undefined : natsHeaders();
    for (const [key, value] of Object.entries(options.headers ?? {})) hdrs?.set(key, value);
    for (const [key, value] of Object.entries(traceHeaders ?? {})) hdrs?.set(key, value);
    try {
      const ack = await js.publish(subject, payload, {
        timeout: this.#options.publishTimeoutMs,
        ...(hdrs === undefined ? {} : { headers: hdrs }),
        ...(options.msgId === undefined ? {} : { msgID: options.msgId }),
      });
      span.end();
      return ack;
    } catch (error) {
      span.end(error);
      throw new KratosError(
        NatsErrorCode.PublishFailed,
        `Publishing to "${subject}" on ${this.url} was not confirmed: ${describeError(error)}. Check that a stream takes the subject and the server is reachable; the message may not be stored.`,
        { cause: error },
      );
    }
  }

  /**
   * Calls `listener` after each reconnection (not the first open); returns the unsubscribe.
   *
   * @internal
   */
  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  /** The JetStream client; `KRATOS_NATS_NOT_OPEN` unless open. */
  jetstream(): JetStreamClient {
    if (this.#js === undefined || this.#phase !== 'open') {
      throw new KratosError(
        NatsErrorCode.NotOpen,
        `NatsConnection to ${this.url} is ${this.#phase}, not open. Open it in a @BeforeStart hook and close it in an @AfterStop hook.`,
      );
    }
    return this.#js;
  }

  /** The core client; `KRATOS_NATS_NOT_OPEN` unless open. */
  client(): NatsClient {
    this.jetstream();
    return this.#client as NatsClient;
  }
}

/** `promise`, or a rejection with the signal's reason once it aborts. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('the signal aborted');
}
