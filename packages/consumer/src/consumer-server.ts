import {
  KratosError,
  safeLogger,
  silentLogger,
  type KernelView,
  type Logger,
  type TransportServer,
} from '@kratos-ts/core';
import { callGuarded, describeError } from '@kratos-ts/core/internal';
import type { ConsumerSubscription } from './consumer-adapter.js';
import { ConsumerDrain, type DrainReport } from './consumer-drain.js';
import { ConsumerErrorCode } from './consumer-error-codes.js';
import type { ConsumerServerOptions } from './consumer-server-options.js';
import { resolveConsumerOptions, type ResolvedConsumerOptions } from './resolve-consumer-options.js';

/** Where a `ConsumerServer` is. */
export type ConsumerPhase = 'idle' | 'starting' | 'consuming' | 'stopping' | 'stopped';

/**
 * What `ConsumerServer.stop()` resolves with (the shape of core's `ServerStopReport`, which the
 * kernel puts on its `server-stop` event): how many running handlers were abandoned at `stopTimeout`.
 */
export type ConsumerStopReport = DrainReport;

/**
 * A message consumer as a kratos-ts server: start opens a subscription with a bounded prefetch and
 * resolves once messages flow; each message goes to the handler, acked when it resolves, retried
 * then dead-lettered when it throws; stop is a real drain (stop fetching, return what has not
 * started, let running handlers finish and be acked, close). It has no endpoint and no drain delay
 * (`drainDelay = 0`): it pulls work, so nothing reaches it through the registry.
 *
 * @example
 * \@Server({ stopTimeout: 30_000 })
 * class Greetings extends ConsumerServer<{ id: string; name: string }> {
 *   constructor(\@inject(AMQP) amqp: AmqpConnection, greeter: Greeter) {
 *     super({ adapter: amqpConsumer(amqp), queue: 'greetings', handler: (m) => greeter.handle(m) });
 *   }
 * }
 */
export class ConsumerServer<T = unknown> implements TransportServer {
  /** Its name in the kernel's logs and events: the `name` option, default `consumer:<queue>`. */
  readonly name: string;
  /** The queue (or JetStream durable consumer) it consumes from. */
  readonly queue: string;
  /**
   * 0: the kernel stops it as soon as the instance is deregistered, without waiting out the app's
   * `drainDelay`. A consumer pulls its work; no client is still routing to it.
   */
  readonly drainDelay = 0;
  readonly #options: ResolvedConsumerOptions<T>;
  #logger: Logger;
  #underKernel = false;
  #phase: ConsumerPhase = 'idle';
  #drain: ConsumerDrain<T> | undefined;
  #subscription: ConsumerSubscription | undefined;
  #stopping: Promise<ConsumerStopReport> | undefined;

  /** Checks the options (`KRATOS_CONSUMER_INVALID_OPTIONS` lists every problem); opens nothing yet. */
  constructor(options: ConsumerServerOptions<T>) {
    this.#options = resolveConsumerOptions(options);
    this.name = this.#options.name;
    this.queue = this.#options.queue;
    this.#logger = safeLogger(this.#options.logger ?? silentLogger);
  }

  /** Where it is: `idle`, `starting`, `consuming`, `stopping`, `stopped`. */
  get phase(): ConsumerPhase {
    return this.#phase;
  }

  /** Logs through the kernel's logger, unless the `logger` option gave one. */
  attachKernel(kernel: KernelView): void {
    this.#underKernel = true;
    if (this.#options.logger === undefined) this.#logger = safeLogger(kernel.logger);
  }

  /**
   * Opens the subscription and resolves once it consumes. Rejects with
   * `KRATOS_CONSUMER_SUBSCRIBE_FAILED` when the adapter cannot, or has not by the time `signal`
   * aborts; with `KRATOS_CONSUMER_ALREADY_STARTED` unless idle or stopped.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#phase !== 'idle' && this.#phase !== 'stopped') {
      throw new KratosError(
        ConsumerErrorCode.AlreadyStarted,
        `ConsumerServer "${this.name}" was asked to start while ${this.#phase}. Stop it first; a kratos-ts app starts each server once.`,
      );
    }
    const { adapter, queue, prefetch, maxAttempts, concurrency, handler, decode } = this.#options;
    const drain = new ConsumerDrain<T>({
      queue,
      handler,
      decode,
      maxAttempts,
      concurrency,
      logger: this.#logger,
      server: this.name,
      system: adapter.system,
    });
    this.#drain = drain;
    this.#phase = 'starting';
    const outcome = await opened(
      () => adapter.consume({ queue, prefetch, signal, deliver: (delivery) => drain.receive(delivery) }),
      signal,
      (late) => void this.#closeQuietly(late),
    );
    if (outcome.subscription === undefined) {
      this.#phase = 'idle';
      this.#drain = undefined;
      // What was delivered before the failure goes back, and its handlers are told to give up.
      void drain.stop(AbortSignal.abort(), () => undefined);
      throw new KratosError(
        ConsumerErrorCode.SubscribeFailed,
        `ConsumerServer "${this.name}" could not start consuming from "${queue}": ${describeError(outcome.error)}. Check that the queue exists and the broker is reachable.`,
        { cause: outcome.error },
      );
    }
    this.#subscription = outcome.subscription;
    this.#phase = 'consuming';
    this.#logger.info(
      { server: this.name, queue, prefetch, concurrency, maxAttempts },
      `Consumer "${this.name}" consumes from "${queue}" (prefetch ${prefetch}).`,
    );
  }

  /**
   * The drain: stop fetching at once, return the deliveries not yet started, let running handlers
   * finish and be acked, then close the subscription. When `signal` aborts (`stopTimeout`), the
   * handlers' signals abort, their messages go back to the broker, and it resolves with how many
   * were abandoned (a `ServerStopReport`: the kernel puts it on its `server-stop` event and warns;
   * standalone, the consumer warns itself). Never rejects: a broker that fails or hangs during the
   * stop is logged (`KRATOS_CONSUMER_CLOSE_FAILED`) and the stop still ends by `signal`.
   */
  stop(signal: AbortSignal): Promise<ConsumerStopReport> {
    // A second call while stopping shares the first drain.
    if (this.#phase === 'stopping' && this.#stopping) return this.#stopping;
    this.#stopping = this.#stop(signal);
    return this.#stopping;
  }

  async #stop(signal: AbortSignal): Promise<ConsumerStopReport> {
    const drain = this.#drain;
    const subscription = this.#subscription;
    if (this.#phase !== 'consuming' || drain === undefined || subscription === undefined) {
      return { abandoned: 0 };
    }
    this.#phase = 'stopping';
    const report = await drain.stop(signal, () => subscription.stopFetching());
    await this.#close(subscription, signal);
    this.#subscription = undefined;
    this.#drain = undefined;
    this.#phase = 'stopped';
    if (report.abandoned > 0) {
      // Under a kernel, the kernel warns (naming the server and the count, from the report); this
      // line only adds the queue, at debug, so that one event is not two warnings.
      this.#logger[this.#underKernel ? 'debug' : 'warn'](
        { server: this.name, queue: this.queue, abandoned: report.abandoned },
        `Consumer "${this.name}" abandoned ${report.abandoned} running handler${report.abandoned === 1 ? '' : 's'} at stopTimeout; ${report.abandoned === 1 ? 'its message was' : 'their messages were'} returned to the broker. Raise @Server({ stopTimeout }) above the longest handler.`,
      );
    }
    return report;
  }

  /** Closes the subscription, waiting no longer than `signal`; a failure is logged, not thrown. */
  #close(subscription: ConsumerSubscription, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const onAbort = (): void => {
        this.#closeFailed('had not closed its subscription by stopTimeout (is the broker reachable?)');
        resolve();
      };
      if (signal.aborted) {
        // Ask anyway: a reachable broker takes the close even though nobody waits for its answer.
        void this.#closeQuietly(subscription, signal);
        resolve();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#closeQuietly(subscription, signal).then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** `subscription.close()`, its failure logged; never rejects. */
  #closeQuietly(subscription: ConsumerSubscription, signal = new AbortController().signal): Promise<void> {
    return new Promise((resolve) => {
      callGuarded(() => subscription.close(signal), undefined, {
        returned: () => resolve(),
        fulfilled: () => resolve(),
        failed: (error) => {
          this.#closeFailed(`could not close its subscription: ${describeError(error)}`, error);
          resolve();
        },
      });
    });
  }

  #closeFailed(what: string, error?: unknown): void {
    this.#logger.error(
      {
        code: ConsumerErrorCode.CloseFailed,
        server: this.name,
        queue: this.queue,
        ...(error === undefined ? {} : { err: error }),
      },
      `Consumer "${this.name}" ${what}. The stop goes on.`,
    );
  }
}

/** How opening the subscription ended. */
type Opened =
  | { readonly subscription: ConsumerSubscription }
  | { readonly subscription?: undefined; readonly error: unknown };

/**
 * The subscription `consume()` opens, or what it failed with (the signal's reason when `signal`
 * aborts first). A subscription that opens after the abort is handed to `late`, which closes it.
 * Never rejects, so that whatever `consume()` throws is kept as it is, for the `cause`.
 */
function opened(
  consume: () => PromiseLike<ConsumerSubscription>,
  signal: AbortSignal,
  late: (subscription: ConsumerSubscription) => void,
): Promise<Opened> {
  return new Promise((resolve) => {
    let done = false;
    const end = (outcome: Opened): void => {
      signal.removeEventListener('abort', onAbort);
      if (done) {
        if (outcome.subscription) late(outcome.subscription);
        return;
      }
      done = true;
      resolve(outcome);
    };
    const onAbort = (): void => end({ error: abortReason(signal) });
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    callGuarded(consume, undefined, {
      returned: (value) =>
        end({ error: new TypeError(`consume() returned ${typeof value}, not a promise of a subscription`) }),
      fulfilled: (subscription) => end({ subscription: subscription as ConsumerSubscription }),
      failed: (error) => end({ error }),
    });
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('the start signal aborted (startTimeout)');
}
