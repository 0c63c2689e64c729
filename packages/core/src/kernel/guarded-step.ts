import { Observable, type SchedulerLike } from 'rxjs';
import type { AbortGroup } from './abort-group.js';
import { Deadlines } from './deadlines.js';
import { settleTask } from './to-settled.js';

/** How a guarded step ended. */
export interface StepOutcome {
  /** `unsettled`: it neither resolved nor rejected within the grace period after its signal aborted. */
  readonly settled: 'resolved' | 'rejected' | 'unsettled';
  /** What it rejected with, when `settled` is `rejected`. */
  readonly error?: unknown;
  /** Its own timeout fired before it settled. */
  readonly timedOut: boolean;
  /** It was aborted from outside (`abort$`) before it settled. */
  readonly aborted: boolean;
  readonly durationMs: number;
}

export interface GuardedStepOptions {
  /** After this many ms the step's signal aborts. `Infinity`: never. */
  readonly timeout: number;
  /** How long the step may still take to settle once its signal aborted. */
  readonly grace: number;
  readonly scheduler: SchedulerLike;
  /** Timers shared with the other steps of the phase. Default: timers of its own. */
  readonly deadlines?: Deadlines;
  /** Aborts the step when the group aborts (a stop was requested, a sibling failed). */
  readonly abortGroup?: AbortGroup;
  /** Called at the instant the timeout fires, before the grace period. */
  readonly onTimeout?: () => void;
  /** Called if a step given up as `unsettled` resolves later after all. */
  readonly onLateResolve?: () => void;
  /** Called with the outcome just before it is emitted (cheaper than a `tap` per step). */
  readonly onOutcome?: (outcome: StepOutcome) => void;
}

/**
 * Runs one lifecycle step with its own AbortSignal, a timeout and a grace period, and always emits
 * exactly one `StepOutcome`: it never errors and never hangs longer than `timeout + grace` (or, once
 * aborted from outside, than `grace`). Unsubscribing aborts the step.
 */
export function guardedStep(
  task: (signal: AbortSignal) => unknown,
  options: GuardedStepOptions,
): Observable<StepOutcome> {
  const { timeout, grace, scheduler } = options;
  return new Observable<StepOutcome>((subscriber) => {
    const controller = new AbortController();
    const deadlines = options.deadlines ?? new Deadlines(scheduler);
    const startedAt = scheduler.now();
    let leaveTimeout: (() => void) | undefined;
    let leaveGrace: (() => void) | undefined;
    // Assigned below, once the callbacks it may call synchronously exist.
    // eslint-disable-next-line prefer-const
    let leaveGroup: (() => void) | undefined;
    let timedOut = false;
    let aborted = false;
    let done = false;

    const release = (): void => {
      leaveTimeout?.();
      leaveGrace?.();
      leaveGroup?.();
    };
    const finish = (settled: StepOutcome['settled'], error?: unknown): void => {
      if (done) return;
      done = true;
      release();
      const durationMs = scheduler.now() - startedAt;
      const outcome: StepOutcome =
        settled === 'rejected'
          ? { settled, timedOut, aborted, durationMs, error }
          : { settled, timedOut, aborted, durationMs };
      options.onOutcome?.(outcome);
      subscriber.next(outcome);
      subscriber.complete();
    };
    const interrupt = (reason: unknown): void => {
      if (done || controller.signal.aborted) return;
      controller.abort(reason);
      leaveGrace = deadlines.after(grace, () => finish('unsettled'));
    };

    if (Number.isFinite(timeout)) {
      leaveTimeout = deadlines.after(timeout, () => {
        if (done) return;
        timedOut = true;
        options.onTimeout?.();
        interrupt(new DOMException(`The step did not settle within ${timeout} ms`, 'TimeoutError'));
      });
    }
    leaveGroup = options.abortGroup?.join(() => {
      if (done || controller.signal.aborted) return;
      aborted = true;
      interrupt(new DOMException('The step was aborted', 'AbortError'));
    });

    const stopListening = settleTask(() => task(controller.signal), {
      resolve: () => (done ? options.onLateResolve?.() : finish('resolved')),
      reject: (error) => finish('rejected', error),
    });

    return () => {
      release();
      if (!done) {
        done = true;
        controller.abort(new DOMException('The step was cancelled', 'AbortError'));
      }
      // A step given up while still pending may resolve later; keep listening only if asked to.
      if (!options.onLateResolve) stopListening();
    };
  });
}
