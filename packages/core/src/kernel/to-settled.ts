import { isObservable, type Subscription } from 'rxjs';

/** What `settleTask` calls when the task is done. */
export interface SettleHandlers {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs `task` and calls `resolve` when it is done or `reject` with what it threw or rejected.
 * A task may return a Promise, an Observable (its first value or its completion ends it) or
 * anything else (done at once). Returns a function that stops listening (and unsubscribes an
 * Observable). Written without intermediate Observables: it runs once per server per phase.
 */
export function settleTask(task: () => unknown, handlers: SettleHandlers): () => void {
  let result: unknown;
  try {
    result = task();
  } catch (error) {
    handlers.reject(error);
    return () => undefined;
  }
  if (isObservable(result)) {
    let listening = true;
    const held: { subscription?: Subscription } = {};
    const subscription = result.subscribe({
      next: () => {
        if (!listening) return;
        listening = false;
        handlers.resolve();
        held.subscription?.unsubscribe();
      },
      error: (error: unknown) => listening && ((listening = false), handlers.reject(error)),
      complete: () => listening && ((listening = false), handlers.resolve()),
    });
    if (!listening) subscription.unsubscribe();
    else held.subscription = subscription;
    return () => {
      listening = false;
      subscription.unsubscribe();
    };
  }
  if (isPromiseLike(result)) {
    let listening = true;
    result.then(
      () => listening && handlers.resolve(),
      (error: unknown) => listening && handlers.reject(error),
    );
    return () => (listening = false);
  }
  handlers.resolve();
  return () => undefined;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
