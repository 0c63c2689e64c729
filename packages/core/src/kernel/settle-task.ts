import { isObservable, type Subscription } from 'rxjs';
import { callGuarded, type GuardedCallOutcome } from '../errors/call-guarded.js';

/**
 * What `settleTask` reports to. It holds the listening state itself, so that settling a task
 * costs no closures beyond the two a Promise needs (it runs once per server per phase).
 */
export interface SettleTarget {
  /**
   * Called once when the task is done, unless `stopListening` was called before, with what it
   * returned, fulfilled with or emitted first (`undefined` for an Observable that completed empty).
   */
  resolve(value: unknown): void;
  /** Called once with what the task threw or rejected with, unless `stopListening` was called before. */
  reject(error: unknown): void;
  /** @internal Kept by `settleTask`: whether the task's end is still to be reported. */
  listening: boolean;
  /** @internal Kept by `settleTask`: the subscription to a task that returned an Observable. */
  subscription: Subscription | undefined;
}

/**
 * Runs `task` and calls `target.resolve()` when it is done or `target.reject(error)` with what it
 * threw or rejected with. A task may return a Promise, an Observable (its first value or its
 * completion ends it) or anything else (done at once). `stopListening(target)` stops hearing it.
 */
export function settleTask(task: () => unknown, target: SettleTarget): void {
  target.listening = true;
  callGuarded(task, target, TASK_OUTCOME);
}

/** One object for every task: `callGuarded` hands the target back, so no closure is made per task. */
const TASK_OUTCOME: GuardedCallOutcome<SettleTarget> = {
  failed: (error, target) => settle(target, false, error),
  fulfilled: (value, target) => settle(target, true, value),
  returned: (result, target) => {
    if (!isObservable(result)) return settle(target, true, result);
    const subscription = result.subscribe({
      next: (value: unknown) => settle(target, true, value),
      error: (error: unknown) => settle(target, false, error),
      complete: () => settle(target, true, undefined),
    });
    // An Observable that emitted synchronously is done: drop the subscription at once.
    if (target.listening) target.subscription = subscription;
    else subscription.unsubscribe();
  },
};

/** Stops hearing the task of `target` (and unsubscribes it when it is an Observable). */
export function stopListening(target: SettleTarget): void {
  target.listening = false;
  const { subscription } = target;
  target.subscription = undefined;
  subscription?.unsubscribe();
}

/** `detail` is the value when `resolved`, the error otherwise. */
function settle(target: SettleTarget, resolved: boolean, detail: unknown): void {
  if (!target.listening) return;
  stopListening(target);
  if (resolved) target.resolve(detail);
  else target.reject(detail);
}
