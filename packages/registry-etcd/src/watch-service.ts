import { describeError } from '@kratos-ts/core';
import type { Logger, ServiceInstance } from '@kratos-ts/core';
import { defer, type Observable, type SchedulerLike } from 'rxjs';
import { retryWithBackoff, type BackoffOptions } from './backoff.js';

/** What `watchService` takes. */
export interface WatchServiceOptions {
  /** The service watched, for logs. */
  readonly name: string;
  readonly logger: Logger;
  readonly backoff?: BackoffOptions;
  readonly scheduler?: SchedulerLike;
}

/**
 * The instances of a service, kept watched: `open()` reads the full list, emits it, then emits it
 * again after every change, and errors when its watch breaks. On an error the watch is opened
 * again after `backoffDelay(attempt)`, forever, and emits the full list again. Unsubscribing tears
 * down the open watch.
 */
export function watchService(
  open: () => Observable<ServiceInstance[]>,
  options: WatchServiceOptions,
): Observable<ServiceInstance[]> {
  const { name, logger } = options;
  return defer(open).pipe(
    retryWithBackoff({
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      onRetry: ({ error, attempt, delay }) =>
        logger.warn(
          { service: name, attempt, delayMs: delay, err: error },
          `The watch of service "${name}" broke (${describeError(error)}); re-establishing it: attempt ${attempt} in ${delay} ms`,
        ),
    }),
  );
}
