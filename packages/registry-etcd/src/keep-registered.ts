import { describeError } from '@kratos-ts/core';
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
import { retryWithBackoff, type BackoffOptions } from './backoff.js';
import { keepKeyPresent } from './keep-key-present.js';
import type { KeptLease, LeaseGrantor } from './kept-lease.js';

/** What `keepRegistered` takes. */
export interface KeepRegisteredOptions {
  /** The key kept registered, for logs. */
  readonly key: string;
  readonly logger: Logger;
  readonly backoff?: BackoffOptions;
  readonly scheduler?: SchedulerLike;
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
 * on it (`keepKeyPresent`). Emits each lease that holds the key. Only the very first attempt
 * is not retried: its error goes through, so that `register` can fail and the app roll back.
 * Every loss, failed attempt and recovery is logged.
 *
 * @example
 * keepRegistered(() => grantAndPut(key, value), { key, logger }).subscribe((lease) => (current = lease));
 */
export function keepRegistered(grant: LeaseGrantor, options: KeepRegisteredOptions): Observable<KeptLease> {
  const { key, logger } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const backoffOption = options.backoff ? { backoff: options.backoff } : {};
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
        scheduler,
        shouldRetry: () => registered,
        onRetry: ({ error, attempt, delay }) => {
          attempts = attempt;
          if (error instanceof LeaseLost) {
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
