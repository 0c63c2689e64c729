import type { Logger } from '@kratos-ts/core';
import { context } from '@opentelemetry/api';
import { callGuarded, describeError, type GuardedCallOutcome } from '@kratos-ts/core/internal';
import type { Delivery } from './consumer-adapter.js';
import { ConsumerErrorCode } from './consumer-error-codes.js';
import type { ConsumerHandler, HandlerContext, MessageDecoder } from './consumer-handler.js';
import { ConsumeTelemetry, type MessageProcessing } from './telemetry/consume-telemetry.js';

/**
 * Where a drain is: `consuming` (handlers start as messages arrive), `draining` (a stop began: no
 * handler starts, what arrives goes back), `stopped` (every message settled, or the rest abandoned).
 */
export type DrainPhase = 'consuming' | 'draining' | 'stopped';

/** How a drain ended: how many running handlers were given up when the stop signal aborted. */
export interface DrainReport {
  /** Messages whose handler was still running at `stopTimeout`: returned to the broker, not acked. */
  readonly abandoned: number;
}

/** What a `ConsumerDrain` needs: the handling side of a `ConsumerServer`, without any broker. */
export interface ConsumerDrainOptions<T> {
  /** Names the queue in log lines. */
  readonly queue: string;
  /** Runs once per decoded message; resolves → ack, throws → retry, then dead-letter. */
  readonly handler: ConsumerHandler<T>;
  /** Turns a delivery's bytes into the message; throwing → dead-lettered at once. */
  readonly decode: MessageDecoder<T>;
  /** A message whose handler fails on this attempt is dead-lettered. */
  readonly maxAttempts: number;
  /** How many handlers run at once; the other deliveries wait their turn. */
  readonly concurrency: number;
  /** A logger that never throws (`safeLogger`). */
  readonly logger: Logger;
  /** The consumer server's name: the `kratos.server` attribute of its spans and metrics. */
  readonly server?: string | undefined;
  /** The broker (`rabbitmq`, `nats`): the `messaging.system` attribute (`ConsumerAdapter.system`). */
  readonly system?: string | undefined;
}

/** One running handler: its delivery, its telemetry, the context its handler was given. */
interface Running {
  readonly delivery: Delivery;
  readonly processing: MessageProcessing | undefined;
  readonly context: LazyHandlerContext;
}

/**
 * A handler's context whose `signal` is made on first read: an `AbortController` per message was
 * the drain's largest cost (~3 µs of CPU per message), and most handlers never read it. A handler
 * given up on has its signal aborted at once, or already aborted when it reads it later.
 */
class LazyHandlerContext implements HandlerContext {
  readonly #delivery: Delivery;
  #controller: AbortController | undefined;
  #abandoned: { readonly reason: unknown } | undefined;

  constructor(delivery: Delivery) {
    this.#delivery = delivery;
  }

  get id(): string {
    return this.#delivery.id;
  }

  get attempt(): number {
    return this.#delivery.attempt;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abandoned !== undefined) this.#controller.abort(this.#abandoned.reason);
    }
    return this.#controller.signal;
  }

  /** The consumer gave up on `context`'s handler: its signal aborts with `reason`. */
  static abandon(context: LazyHandlerContext, reason: unknown): void {
    if (context.#abandoned !== undefined) return;
    context.#abandoned = { reason };
    context.#controller?.abort(reason);
  }
}

type Settlement = 'ack' | 'requeue' | 'retry' | 'deadLetter';

/**
 * The drain's state machine: runs a handler per delivery and settles each delivery exactly once,
 * whatever the handler does (resolves → ack; throws → retry, then dead-letter at `maxAttempts`;
 * undecodable → dead-letter at once). `stop()` is the drain: stop fetching, return what has not
 * started, let running handlers finish and be acked, and at the stop signal abort the rest and
 * return their messages. It has no timer and no I/O of its own: time comes from the handlers and
 * the signal, the broker from each `Delivery`, so it is tested in virtual time.
 *
 * Telemetry (OpenTelemetry API; nothing while no SDK is registered): each handled message gets a
 * CONSUMER span `process <queue>` linked to its publisher's `traceparent` header, in which its
 * handler runs; `messaging.process.duration`, `messaging.client.consumed.messages` by
 * `kratos.consume.outcome` (`ack`, `retry`, `dead_letter`, `requeue`) and `messaging.process.active`.
 */
export class ConsumerDrain<T> {
  #phase: DrainPhase = 'consuming';
  readonly #options: ConsumerDrainOptions<T>;
  readonly #telemetry: ConsumeTelemetry;
  readonly #waiting: Delivery[] = [];
  readonly #running = new Map<Delivery, Running>();
  #settling = 0;
  #wake: (() => void) | undefined;
  #stopping: Promise<DrainReport> | undefined;
  // One outcome object for every handler call (callGuarded's hot-path shape): the context says which.
  readonly #handlerOutcome = {
    returned: (_result: unknown, running: Running): void => this.#finish(running, undefined),
    fulfilled: (_value: unknown, running: Running): void => this.#finish(running, undefined),
    failed: (error: unknown, running: Running): void => this.#finish(running, { error }),
  };

  readonly #settlements: Readonly<Record<Settlement, GuardedCallOutcome<Delivery>>> = {
    ack: this.#settlementOutcome('ack'),
    requeue: this.#settlementOutcome('requeue'),
    retry: this.#settlementOutcome('retry'),
    deadLetter: this.#settlementOutcome('deadLetter'),
  };

  constructor(options: ConsumerDrainOptions<T>) {
    this.#options = options;
    this.#telemetry = new ConsumeTelemetry(options);
  }

  /** Where the drain is. */
  get phase(): DrainPhase {
    return this.#phase;
  }

  /** Handlers running now. */
  get running(): number {
    return this.#running.size;
  }

  /** Deliveries waiting for a free handler slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Takes one delivery from the broker: runs it, queues it, or (once stopping) returns it at once. */
  receive(delivery: Delivery): void {
    if (this.#phase !== 'consuming') this.#return(delivery);
    else if (this.#running.size < this.#options.concurrency) this.#start(delivery);
    else this.#waiting.push(delivery);
  }

  /**
   * Drains: calls `stopFetching` at once, returns every waiting delivery, then resolves once every
   * running handler has finished and every settlement (ack, retry …) has been answered. When
   * `signal` aborts first, the running handlers' signals abort, their messages are returned, and it
   * resolves with how many were abandoned. Never rejects; calling it again returns the same drain.
   */
  stop(signal: AbortSignal, stopFetching: () => unknown): Promise<DrainReport> {
    this.#stopping ??= this.#drain(signal, stopFetching);
    return this.#stopping;
  }

  async #drain(signal: AbortSignal, stopFetching: () => unknown): Promise<DrainReport> {
    this.#phase = 'draining';
    let fetchingStopped = false;
    const fetching = new Promise<void>((resolve) => {
      const done = (): void => {
        fetchingStopped = true;
        resolve();
      };
      callGuarded(stopFetching, undefined, {
        returned: done,
        fulfilled: done,
        failed: (error) => {
          this.#logCloseFailure(`could not stop fetching: ${describeError(error)}`, error);
          done();
        },
      });
    });
    // Returned now, not at the end of the drain: another instance can take them at once.
    for (const delivery of this.#waiting.splice(0)) this.#return(delivery);

    const finished = await untilAborted(Promise.all([fetching, this.#idle()]), signal);
    if (!finished && !fetchingStopped) {
      this.#logCloseFailure('had not stopped fetching by stopTimeout (is the broker reachable?)');
    }
    const abandoned = finished ? 0 : this.#abandon(signal.reason);
    this.#phase = 'stopped';
    return { abandoned };
  }

  /** Aborts every running handler and returns its message; how many there were. */
  #abandon(reason: unknown): number {
    const running = [...this.#running.values()];
    this.#running.clear();
    for (const { delivery, processing, context } of running) {
      processing?.end('requeue', { error: reason });
      this.#settle(delivery, 'requeue');
      LazyHandlerContext.abandon(context, reason);
    }
    return running.length;
  }

  #start(delivery: Delivery): void {
    const processing = this.#telemetry.begin(delivery);
    let message: T;
    try {
      message = this.#options.decode(delivery.body, delivery.id);
    } catch (error) {
      processing?.end('dead_letter', { error });
      this.#deadLetter(delivery, `could not be decoded (${describeError(error)})`, error, 'at once');
      return;
    }
    const running: Running = { delivery, processing, context: new LazyHandlerContext(delivery) };
    this.#running.set(delivery, running);
    // In the message's span: what the handler publishes or calls joins its trace.
    if (processing === undefined) this.#run(message, running);
    else context.with(processing.context, () => this.#run(message, running));
  }

  #run(message: T, running: Running): void {
    const { handler } = this.#options;
    callGuarded((current) => handler(message, current.context), running, this.#handlerOutcome);
  }

  /** A handler ended (`failure` holds what it threw); settles its delivery and starts the next. */
  #finish(running: Running, failure: { readonly error: unknown } | undefined): void {
    const { delivery } = running;
    // Abandoned at the stop signal: its message was already returned to the broker.
    if (this.#running.get(delivery) !== running) return;
    this.#running.delete(delivery);
    if (failure === undefined) {
      running.processing?.end('ack');
      this.#settle(delivery, 'ack');
    } else this.#failed(delivery, failure.error, running.processing);
    while (this.#phase === 'consuming' && this.#running.size < this.#options.concurrency) {
      const next = this.#waiting.shift();
      if (next === undefined) break;
      this.#start(next);
    }
    this.#checkIdle();
  }

  #failed(delivery: Delivery, error: unknown, processing: MessageProcessing | undefined): void {
    const { maxAttempts, queue, logger } = this.#options;
    if (delivery.attempt >= maxAttempts) {
      processing?.end('dead_letter', { error });
      this.#deadLetter(
        delivery,
        `failed ${delivery.attempt} time${delivery.attempt === 1 ? '' : 's'} (maxAttempts ${maxAttempts}); last error: ${describeError(error)}`,
        error,
        `after ${delivery.attempt} attempt${delivery.attempt === 1 ? '' : 's'}`,
      );
      return;
    }
    logger.warn(
      {
        code: ConsumerErrorCode.HandlerFailed,
        queue,
        messageId: delivery.id,
        attempt: delivery.attempt,
        maxAttempts,
        err: error,
      },
      `Consumer of queue "${queue}": the handler failed on message "${delivery.id}" (attempt ${delivery.attempt} of ${maxAttempts}): ${describeError(error)}. It goes back to the broker for another attempt.`,
    );
    processing?.end('retry', { error });
    this.#settle(delivery, 'retry');
  }

  #deadLetter(delivery: Delivery, reason: string, error: unknown, when: string): void {
    const { queue, logger } = this.#options;
    logger.error(
      {
        code: ConsumerErrorCode.MessageDeadLettered,
        queue,
        messageId: delivery.id,
        attempt: delivery.attempt,
        err: error,
      },
      `Consumer of queue "${queue}": message "${delivery.id}" was dead-lettered ${when}: it ${reason}. Inspect it in the dead-letter queue; the consumer goes on.`,
    );
    this.#settle(delivery, 'deadLetter', `message ${reason}`);
  }

  /** Returns a delivery that was not handled (stopping): requeued, counted as such. */
  #return(delivery: Delivery): void {
    this.#telemetry.returned();
    this.#settle(delivery, 'requeue');
  }

  /** Settles a delivery through the adapter; a failure is logged, never thrown nor left unhandled. */
  #settle(delivery: Delivery, how: Settlement, reason = ''): void {
    this.#settling += 1;
    if (how === 'deadLetter') {
      callGuarded((current) => current.deadLetter(reason), delivery, this.#settlements.deadLetter);
    } else callGuarded(SETTLE[how], delivery, this.#settlements[how]);
  }

  /** Where each kind of settlement ends: made once, so that settling allocates nothing. */
  #settlementOutcome(how: Settlement): GuardedCallOutcome<Delivery> {
    const done = (): void => {
      this.#settling -= 1;
      this.#checkIdle();
    };
    return {
      returned: done,
      fulfilled: done,
      failed: (error, delivery) => {
        const { queue, logger } = this.#options;
        logger.warn(
          {
            code: ConsumerErrorCode.SettleFailed,
            queue,
            messageId: delivery.id,
            settlement: how,
            err: error,
          },
          `Consumer of queue "${queue}": could not ${SETTLEMENT_WORDS[how]} message "${delivery.id}": ${describeError(error)}. The broker redelivers it once its channel or ack timeout expires.`,
        );
        done();
      },
    };
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#checkIdle();
    });
  }

  #checkIdle(): void {
    if (this.#wake === undefined || this.#running.size > 0 || this.#settling > 0) return;
    const wake = this.#wake;
    this.#wake = undefined;
    wake();
  }

  #logCloseFailure(what: string, error?: unknown): void {
    const { queue, logger } = this.#options;
    logger.error(
      { code: ConsumerErrorCode.CloseFailed, queue, ...(error === undefined ? {} : { err: error }) },
      `Consumer of queue "${queue}" ${what}. The stop goes on.`,
    );
  }
}

const SETTLE: Record<Exclude<Settlement, 'deadLetter'>, (delivery: Delivery) => unknown> = {
  ack: (delivery) => delivery.ack(),
  requeue: (delivery) => delivery.requeue(),
  retry: (delivery) => delivery.retry(),
};

const SETTLEMENT_WORDS: Record<Settlement, string> = {
  ack: 'ack',
  requeue: 'return (requeue)',
  retry: 'return for a retry',
  deadLetter: 'dead-letter',
};

/** `true` once `work` settles, `false` if `signal` aborts first (now, when it already has). */
function untilAborted(work: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    });
  });
}
