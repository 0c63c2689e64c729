import { setMaxListeners } from 'node:events';
import { Observable, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import type { AbortGroup } from './abort-group.js';
import { settleTask, stopListening, type SettleTarget } from './settle-task.js';

/** How one step ended. */
export interface StepOutcome {
  /** `unsettled`: it neither resolved nor rejected within the grace period after its signal aborted. */
  readonly settled: 'resolved' | 'rejected' | 'unsettled';
  /** What it rejected with, when `settled` is `rejected`. */
  readonly error?: unknown;
  /** What it resolved with (returned, fulfilled with or emitted first), when `settled` is `resolved`. */
  readonly value?: unknown;
  /** Its own timeout fired before it settled. */
  readonly timedOut: boolean;
  /** It was aborted from outside (`abortGroup`) before it settled. */
  readonly aborted: boolean;
  readonly durationMs: number;
}

export interface RunStepsOptions<T> {
  /** Runs one step with the signal of its deadline. May return a Promise, an Observable or anything. */
  readonly run: (item: T, signal: AbortSignal) => unknown;
  /** The step's timeout in ms; `Infinity`: none. Steps with the same timeout share one deadline. */
  readonly timeoutOf: (item: T) => number;
  /** How long a step may still take to settle once its signal aborted. */
  readonly grace: number;
  readonly scheduler: SchedulerLike;
  /** Aborts every step still in flight when the group aborts (a stop was requested, a sibling failed). */
  readonly abortGroup?: AbortGroup;
  /** Called when a deadline fires while some of its steps are in flight, before their grace period. */
  readonly onTimeout?: () => void;
  /**
   * Called with each step's outcome at the instant it ends: the one way a phase hears about its
   * steps. Should it throw, the other steps are still heard and the batch errors once all ended.
   */
  readonly onOutcome: (item: T, outcome: StepOutcome) => void;
  /** Called if a step given up as `unsettled` resolves later after all. Without it, it is no longer heard. */
  readonly onLateResolve?: (item: T) => void;
}

/**
 * Runs steps all at once, each with an AbortSignal, a timeout and a grace period, and completes
 * once every step has ended; it never hangs longer than the longest timeout plus the grace period
 * (once aborted from outside, than the grace period). Every step's outcome goes to `onOutcome`; it
 * errors only if `onOutcome` threw, with the first thing it threw, once every step has ended, so
 * that a bug in reporting loses no step and never leaves a subscriber waiting. Unsubscribing
 * aborts the steps still in flight.
 *
 * The steps start at one instant, so steps with the same timeout share one deadline: one timer and
 * one AbortController, whose signal they all receive. When it fires, every step of it still in
 * flight times out. An abort from outside aborts every deadline. A signal may therefore abort after
 * its own step has settled, when a step sharing its deadline is still in flight; a settled step
 * ignores it. 2000 servers with the default timeout cost one timer and one signal per phase.
 */
export function runSteps<T>(items: readonly T[], options: RunStepsOptions<T>): Observable<never> {
  return new Observable<never>((subscriber) => {
    const batch = new StepBatch(options, subscriber, items.length);
    batch.start(items);
    return () => batch.close();
  });
}

/** The steps of one deadline: one timer, one signal. */
class Deadline<T> {
  readonly controller = new AbortController();
  readonly steps: Step<T>[] = [];
  /** Steps of this deadline still in flight. */
  pending = 0;
  timer: Subscription | undefined;
  graceTimer: Subscription | undefined;

  constructor(readonly timeout: number) {
    // Every step of the deadline may listen to its signal: thousands of listeners are expected.
    setMaxListeners(0, this.controller.signal);
  }
}

/** One step in flight; it is its own settle target, so a step costs one object and its task. */
class Step<T> implements SettleTarget {
  done = false;
  timedOut = false;
  aborted = false;
  listening = false;
  subscription: Subscription | undefined = undefined;

  constructor(
    readonly item: T,
    readonly deadline: Deadline<T>,
    private readonly batch: StepBatch<T>,
  ) {}

  resolve(value: unknown): void {
    if (this.done) this.batch.lateResolve(this);
    else this.batch.finish(this, 'resolved', value);
  }

  reject(error: unknown): void {
    this.batch.finish(this, 'rejected', error);
  }
}

class StepBatch<T> {
  readonly #options: RunStepsOptions<T>;
  readonly #subscriber: Subscriber<never>;
  readonly #deadlines = new Map<number, Deadline<T>>();
  readonly #startedAt: number;
  #remaining: number;
  #abortedFromOutside = false;
  #closed = false;
  #leaveGroup: (() => void) | undefined;
  /** What `onOutcome` threw first, if it ever did: the batch errors with it at its end. */
  #reportFailure: { readonly error: unknown } | undefined;

  constructor(options: RunStepsOptions<T>, subscriber: Subscriber<never>, count: number) {
    this.#options = options;
    this.#subscriber = subscriber;
    this.#remaining = count;
    this.#startedAt = options.scheduler.now();
  }

  start(items: readonly T[]): void {
    if (items.length === 0) {
      this.#complete();
      return;
    }
    this.#leaveGroup = this.#options.abortGroup?.join(() => this.#abortAll());
    for (const item of items) {
      if (this.#closed) return;
      this.#startStep(item);
    }
  }

  #startStep(item: T): void {
    const { run, timeoutOf } = this.#options;
    const deadline = this.#deadlineFor(timeoutOf(item));
    const step = new Step(item, deadline, this);
    deadline.steps.push(step);
    deadline.pending += 1;
    // The timer runs while a step of the deadline is in flight (steps that settled at once may
    // have cancelled it already); it fires `timeout` after the batch began.
    if (!deadline.timer && !deadline.controller.signal.aborted && Number.isFinite(deadline.timeout)) {
      const { scheduler } = this.#options;
      const due = Math.max(0, this.#startedAt + deadline.timeout - scheduler.now());
      deadline.timer = scheduler.schedule(() => this.#timeOut(deadline), due);
    }
    if (this.#abortedFromOutside) {
      // Aborted from outside before this step began: it starts aborted, with its grace period.
      step.aborted = true;
      if (!deadline.controller.signal.aborted) deadline.controller.abort(abortError());
      this.#startGrace(deadline);
    }
    const { signal } = deadline.controller;
    settleTask(() => run(item, signal), step);
  }

  #deadlineFor(timeout: number): Deadline<T> {
    const existing = this.#deadlines.get(timeout);
    if (existing) return existing;
    const deadline = new Deadline<T>(timeout);
    this.#deadlines.set(timeout, deadline);
    if (this.#abortedFromOutside) deadline.controller.abort(abortError());
    return deadline;
  }

  /** `detail` is what the step rejected with (`rejected`) or resolved with (`resolved`). */
  finish(step: Step<T>, settled: StepOutcome['settled'], detail?: unknown): void {
    if (step.done) return;
    step.done = true;
    const { deadline } = step;
    deadline.pending -= 1;
    if (deadline.pending === 0) this.#release(deadline);
    const durationMs = this.#options.scheduler.now() - this.#startedAt;
    const { timedOut, aborted } = step;
    const outcome: StepOutcome =
      settled === 'rejected'
        ? { settled, timedOut, aborted, durationMs, error: detail }
        : settled === 'resolved' && detail !== undefined
          ? { settled, timedOut, aborted, durationMs, value: detail }
          : { settled, timedOut, aborted, durationMs };
    this.#remaining -= 1;
    try {
      this.#options.onOutcome(step.item, outcome);
    } catch (error) {
      // Never thrown back into whoever settled the step (a promise callback would turn it into
      // an unhandled rejection); the batch errors with it once every step has ended.
      this.#reportFailure ??= { error };
    }
    if (this.#remaining === 0) this.#complete();
  }

  lateResolve(step: Step<T>): void {
    this.#options.onLateResolve?.(step.item);
  }

  /** Unsubscribed (or completed): aborts what is still in flight and cancels every timer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#leaveGroup?.();
    const keepListening = this.#options.onLateResolve !== undefined;
    for (const deadline of this.#deadlines.values()) {
      this.#release(deadline);
      if (deadline.pending === 0) continue;
      for (const step of deadline.steps) {
        if (step.done) continue;
        step.done = true;
        if (!keepListening) stopListening(step);
      }
      deadline.pending = 0;
      if (!deadline.controller.signal.aborted) {
        deadline.controller.abort(new DOMException('The step was cancelled', 'AbortError'));
      }
    }
  }

  #complete(): void {
    if (this.#closed) return;
    this.close();
    if (this.#reportFailure) this.#subscriber.error(this.#reportFailure.error);
    else this.#subscriber.complete();
  }

  #timeOut(deadline: Deadline<T>): void {
    deadline.timer = undefined;
    if (deadline.pending === 0 || deadline.controller.signal.aborted) return;
    for (const step of deadline.steps) if (!step.done) step.timedOut = true;
    this.#interrupt(
      deadline,
      new DOMException(`The step did not settle within ${deadline.timeout} ms`, 'TimeoutError'),
    );
    this.#options.onTimeout?.();
  }

  #abortAll(): void {
    if (this.#abortedFromOutside || this.#closed) return;
    this.#abortedFromOutside = true;
    for (const deadline of this.#deadlines.values()) {
      // Steps that settle in their abort listeners may end the batch meanwhile.
      if (this.#closed) return;
      if (deadline.pending === 0 || deadline.controller.signal.aborted) continue;
      for (const step of deadline.steps) if (!step.done) step.aborted = true;
      this.#interrupt(deadline, abortError());
    }
  }

  /** Aborts the deadline's signal, then gives its steps still in flight the grace period. */
  #interrupt(deadline: Deadline<T>, reason: unknown): void {
    deadline.timer?.unsubscribe();
    deadline.timer = undefined;
    // Steps may settle synchronously in their abort listeners, and end the batch.
    deadline.controller.abort(reason);
    this.#startGrace(deadline);
  }

  #startGrace(deadline: Deadline<T>): void {
    if (this.#closed || deadline.pending === 0 || deadline.graceTimer) return;
    deadline.graceTimer = this.#options.scheduler.schedule(() => this.#giveUp(deadline), this.#options.grace);
  }

  #giveUp(deadline: Deadline<T>): void {
    deadline.graceTimer = undefined;
    const keepListening = this.#options.onLateResolve !== undefined;
    for (const step of deadline.steps) {
      if (step.done) continue;
      if (!keepListening) stopListening(step);
      this.finish(step, 'unsettled');
    }
  }

  #release(deadline: Deadline<T>): void {
    deadline.timer?.unsubscribe();
    deadline.timer = undefined;
    deadline.graceTimer?.unsubscribe();
    deadline.graceTimer = undefined;
  }
}

function abortError(): DOMException {
  return new DOMException('The step was aborted', 'AbortError');
}
