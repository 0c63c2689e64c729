import { type Logger } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import {
  asyncScheduler,
  defer,
  EMPTY,
  ignoreElements,
  switchMap,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import { retryWithBackoff, type BackoffOptions } from '../backoff.js';
import type { KeptLease } from './kept-lease.js';
import { LeaseGone } from './lease-gone.js';

/** What `keepKeyPresent` takes. */
export interface KeepKeyPresentOptions {
  /** The key kept present, as logs show it (see `shownKey`). */
  readonly key: string;
  readonly logger: Logger;
  readonly backoff?: BackoffOptions;
  readonly scheduler?: SchedulerLike;
}

/**
 * Keeps the lease's key in etcd while subscribed: whenever `present$` says it disappeared (an
 * out-of-band delete, or another registry holding the same instance id deregistered), puts it
 * back on the same lease at once, retrying with backoff until it is stored or something puts it
 * back first. A key present on another lease is left alone: two live registrations of one id
 * never fight over it. A broken watch is re-established with backoff, and re-reads the key.
 * Never emits; errors with `LeaseGone` when the lease itself is gone (then a new lease is needed).
 * Its owner unsubscribes before a deliberate deregister, so that one is never undone.
 *
 * @example
 * merge(lease.lost$, keepKeyPresent(lease, { key, logger })).subscribe({ error: reRegister });
 */
export function keepKeyPresent(lease: KeptLease, options: KeepKeyPresentOptions): Observable<never> {
  const { key, logger } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const backoff = options.backoff ? { backoff: options.backoff } : {};
  return defer(() => {
    let goneAt: number | undefined;
    return lease.present$.pipe(
      retryWithBackoff({
        ...backoff,
        scheduler,
        // The read emits before the watch can fail: never let that reset the backoff to 0 ms.
        resetOnSuccess: false,
        onRetry: ({ error, attempt, delay }) =>
          logger.warn(
            { key, leaseId: lease.id, attempt, delayMs: delay, err: error },
            `The watch of "${key}" broke (${describeError(error)}); re-establishing it: attempt ${attempt} in ${delay} ms`,
          ),
      }),
      // A put by anyone, ours included, ends the attempts: switchMap drops them.
      switchMap((present) => {
        if (present) {
          if (goneAt !== undefined) {
            const recoveryMs = scheduler.now() - goneAt;
            goneAt = undefined;
            logger.info(
              { key, leaseId: lease.id, recoveryMs },
              `"${key}" is back in etcd after ${recoveryMs} ms`,
            );
          }
          return EMPTY;
        }
        if (goneAt === undefined) {
          goneAt = scheduler.now();
          logger.warn(
            { key, leaseId: lease.id },
            `"${key}" disappeared from etcd while registered (deleted out of band, or another registry holding the same instance id deregistered); putting it back on lease ${lease.id}`,
          );
        }
        return putBack(lease, { ...backoff, scheduler, key, logger });
      }),
    );
  });
}

/** Puts the key on the lease, retrying with backoff unless the lease is gone. Never emits. */
function putBack(lease: KeptLease, options: KeepKeyPresentOptions): Observable<never> {
  const { key, logger } = options;
  return defer(() => lease.putAgain()).pipe(
    retryWithBackoff({
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      shouldRetry: (error) => !(error instanceof LeaseGone),
      onRetry: ({ error, attempt, delay }) =>
        logger.warn(
          { key, leaseId: lease.id, attempt, delayMs: delay, err: error },
          `Putting "${key}" back failed (${describeError(error)}); attempt ${attempt} in ${delay} ms`,
        ),
    }),
    ignoreElements(),
  );
}
