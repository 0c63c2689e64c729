import { EMPTY, Observable, defer, from, ignoreElements, isObservable, take } from 'rxjs';

/**
 * Runs `task` and returns an Observable that completes when the task is done, or errors with what
 * it threw or rejected. A task may return a Promise, an Observable (its first value or its
 * completion ends it) or anything else (done at once).
 */
export function toSettled(task: () => unknown): Observable<never> {
  return defer(() => {
    const result = task();
    if (isObservable(result)) return result.pipe(take(1), ignoreElements());
    if (isPromiseLike(result)) return from(result).pipe(ignoreElements());
    return EMPTY;
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
