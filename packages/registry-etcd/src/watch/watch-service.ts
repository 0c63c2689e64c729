import { describeError } from '@kratos-ts/core/internal';
import type { Logger, ServiceInstance } from '@kratos-ts/core';
import { asyncScheduler, defer, finalize, tap, type Observable, type SchedulerLike } from 'rxjs';
import { retryWithBackoff, type BackoffOptions } from '../backoff.js';
import { outageReport, type OutageReport } from '../outage-report.js';

/** The default of `WatchServiceOptions.warnAfter`, in ms (`EtcdRegistryOptions.outageWarnAfter`). */
const DEFAULT_WARN_AFTER = 5_000;

/** What `watchService` takes. */
export interface WatchServiceOptions {
  /** The service watched, for logs. */
  readonly name: string;
  readonly logger: Logger;
  readonly backoff?: BackoffOptions;
  readonly scheduler?: SchedulerLike;
  /** The etcd endpoints, named in the outage warning. Default `"etcd"`. */
  readonly hosts?: string;
  /** How long the watch may stay cut before one warning, in ms. Default 5000. */
  readonly warnAfter?: number;
}

/**
 * The instances of a service, kept watched: `open(outage)` reads the full list, emits it, then
 * emits it again after every change, and errors when its watch breaks; it reports its
 * disconnections and reconnections to `outage`. On an error the watch is opened again after
 * `backoffDelay(attempt)`, forever, and emits the full list again. An outage (a disconnection, or
 * a read that fails) that lasts over `warnAfter` is warned about once, naming the hosts and the
 * service, and its end is logged once. Unsubscribing tears down the open watch.
 */
export function watchService(
  open: (outage: OutageReport) => Observable<ServiceInstance[]>,
  options: WatchServiceOptions,
): Observable<ServiceInstance[]> {
  const { name, logger } = options;
  const hosts = options.hosts ?? 'etcd';
  const scheduler = options.scheduler ?? asyncScheduler;
  return defer(() => {
    const outage = outageReport({
      warnAfter: options.warnAfter ?? DEFAULT_WARN_AFTER,
      scheduler,
      logger,
      warning: (lastedMs, error) => ({
        fields: { service: name, hosts, outageMs: lastedMs, ...(error === undefined ? {} : { err: error }) },
        message: `The etcd watch of service "${name}" has been cut from etcd (${hosts}) for ${lastedMs} ms${error === undefined ? '' : ` (${describeError(error)})`}: its instance list may be stale until etcd answers. Check that etcd is up and reachable from this process.`,
      }),
      recovery: (lastedMs) => ({
        fields: { service: name, hosts, outageMs: lastedMs },
        message: `The etcd watch of service "${name}" is back on etcd (${hosts}) after ${lastedMs} ms cut`,
      }),
    });
    return defer(() => open(outage)).pipe(
      // A list read from etcd means etcd answers again.
      tap(() => outage.up()),
      retryWithBackoff({
        ...(options.backoff ? { backoff: options.backoff } : {}),
        scheduler,
        onRetry: ({ error, attempt, delay }) => {
          outage.down(error);
          // The first retry says why the watch broke; the following ones are the same outage, which
          // `outage` warns about once.
          const fields = { service: name, attempt, delayMs: delay, err: error };
          const message = `The watch of service "${name}" broke (${describeError(error)}); re-establishing it: attempt ${attempt} in ${delay} ms`;
          if (attempt === 1) logger.warn(fields, message);
          else logger.debug(fields, message);
        },
      }),
      finalize(() => outage.dispose()),
    );
  });
}
