import { describeError } from '@kratos-ts/core/internal';
import type { Logger } from '@kratos-ts/core';
import {
  asyncScheduler,
  catchError,
  concat,
  defer,
  map,
  merge,
  of,
  switchMap,
  take,
  tap,
  throwError,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import { retryWithBackoff, type BackoffOptions } from '../backoff.js';
import { keepKeyPresent } from './keep-key-present.js';
import type { KeptLease, LeaseGrantor } from './kept-lease.js';

/** What `keepRegistered` takes. */
export interface KeepRegisteredOptions {
  /** The key kept registered, for logs. */
  readonly key: string;
  readonly logger: Logger;
  readonly backoff?: BackoffOptions;
  readonly scheduler?: SchedulerLike;
  /**
   * Whether a failed first registration is retried with backoff (until the subscriber gives up)
   * rather than let through. Default: never, so the error reaches the subscriber at once. Pass
   * e.g. "etcd did not answer": a refusal (permissions, size) will not go away by retrying.
   */
  readonly retryFirst?: (error: unknown) => boolean;
  /**
   * Emits when the registry answers again (a probe): a backoff wait ends at once, so a registrar
   * re-registers as soon as etcd is back, not up to a whole backoff delay later. Subscribed only
   * while waiting.
   */
  readonly registryAnswers?: () => Observable<unknown>;
  /** Called with every failed attempt before it is retried (1 for the first retry). */
  readonly onFailedAttempt?: (error: unknown, attempt: number) => void;
}

/** The error that ends a session when its lease is lost; it is retried, never surfaced. */
class LeaseLost extends Error {
  constructor(
    readonly leaseId: string,
    readonly reason: unknown,
  ) {
    super(`lease ${leaseId} was lost: ${describeError(reason)}`);
  }
}

/**
 * Keeps a key registered for as long as it is subscribed: grants a lease and puts the key through
 * `grant`, and whenever that lease is lost or a later attempt fails, grants and puts again after
 * `backoffDelay(attempt)`, forever. While a lease holds the key, a key that disappears is put back
 * on it (`keepKeyPresent`). Emits each lease that holds the key. A failed first attempt is retried
 * only when `retryFirst` says so (its subscriber bounds the wait, e.g. `register`'s signal);
 * otherwise its error goes through, so that `register` can fail and the app roll back. A backoff
 * wait ends early when `registryAnswers` emits. Every loss, failed attempt and recovery is logged.
 *
 * @example
 * keepRegistered(() => grantAndPut(key, value), { key, logger }).subscribe((lease) => (current = lease));
 */
export function keepRegistered(grant: LeaseGrantor, options: KeepRegisteredOptions): Observable<KeptLease> {
  const { key, logger } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const backoffOption = options.backoff ? { backoff: options.backoff } : {};
  const wakeUp = options.registryAnswers ? { wakeUp: options.registryAnswers } : {};
  const retryFirst = options.retryFirst ?? ((): boolean => false);
  return defer(() => {
    let registered = false;
    let attempts = 0;
    let lostAt = 0;
    return defer(grant).pipe(
      switchMap((lease) =>
        concat(
          of(lease),
          merge(
            lease.lost$.pipe(
              take(1),
              map((reason): never => {
                throw new LeaseLost(lease.id, reason);
              }),
            ),
            // While this lease holds the registration, a key that disappears is put back on it.
            keepKeyPresent(lease, { key, logger, scheduler, ...backoffOption }).pipe(
              catchError((reason: unknown) => throwError(() => new LeaseLost(lease.id, reason))),
            ),
          ),
        ),
      ),
      tap((lease) => {
        if (registered) {
          logger.info(
            { key, leaseId: lease.id, attempts, recoveryMs: scheduler.now() - lostAt },
            `"${key}" is registered again, on lease ${lease.id}, after ${attempts} attempt(s) in ${scheduler.now() - lostAt} ms`,
          );
        }
        registered = true;
        attempts = 0;
      }),
      retryWithBackoff({
        ...backoffOption,
        ...wakeUp,
        scheduler,
        shouldRetry: (error) => registered || retryFirst(error),
        onRetry: ({ error, attempt, delay }) => {
          attempts = attempt;
          options.onFailedAttempt?.(error, attempt);
          if (!registered) {
            logger.warn(
              { key, attempt, delayMs: delay, err: error },
              `Registering "${key}" failed (${describeError(error)}); attempt ${attempt} in ${delay} ms, until the registrar's deadline`,
            );
          } else if (error instanceof LeaseLost) {
            lostAt = scheduler.now();
            logger.warn(
              { key, leaseId: error.leaseId, err: error.reason },
              `Lease ${error.leaseId} of "${key}" was lost (${describeError(error.reason)}); re-registering: attempt ${attempt} in ${delay} ms`,
            );
          } else {
            logger.warn(
              { key, attempt, delayMs: delay, err: error },
              `Re-registering "${key}" failed (${describeError(error)}); attempt ${attempt} in ${delay} ms`,
            );
          }
        },
      }),
    );
  });
}
