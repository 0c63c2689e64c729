import type { Logger } from '@kratos-ts/core';
import type { SchedulerLike, Subscription } from 'rxjs';

/** A log line of an `OutageReport`: its fields and message. */
export interface OutageLine {
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** What `outageReport` takes. */
export interface OutageReportOptions {
  /** How long an outage lasts before the warning, in ms. */
  readonly warnAfter: number;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  /** The warning, given how long the outage has lasted, in ms, and the last error seen, if any. */
  readonly warning: (lastedMs: number, lastError: unknown) => OutageLine;
  /** The recovery line (info), given how long the outage lasted, in ms. */
  readonly recovery: (lastedMs: number) => OutageLine;
}

/**
 * The outages of one connection to etcd (a watch, a lease keepalive), told once each: `down()`
 * starts an outage (later calls only keep its last error), and if `up()` does not end it within
 * `warnAfter` one warning is logged; `up()` then logs one recovery line. A short blip logs
 * nothing, so a flapping connection does not flood the log.
 */
export interface OutageReport {
  /** The connection is down (or waiting for an answer) since now, unless it already was. */
  down(error?: unknown): void;
  /** The connection answers again: ends the outage, with a recovery line if it was warned about. */
  up(): void;
  /** Cancels the pending warning and ignores every later call; for teardown. */
  dispose(): void;
}

/** Creates an `OutageReport`; time is the scheduler's, so the threshold is testable in virtual time. */
export function outageReport(options: OutageReportOptions): OutageReport {
  const { warnAfter, scheduler, logger, warning, recovery } = options;
  let since: number | undefined;
  let lastError: unknown;
  let warned = false;
  let timer: Subscription | undefined;
  let disposed = false;
  const reset = (): void => {
    timer?.unsubscribe();
    timer = undefined;
    since = undefined;
    lastError = undefined;
    warned = false;
  };
  return {
    down: (error) => {
      if (disposed) return;
      if (error !== undefined) lastError = error;
      if (since !== undefined) return;
      const start = scheduler.now();
      since = start;
      timer = scheduler.schedule(() => {
        warned = true;
        const line = warning(scheduler.now() - start, lastError);
        logger.warn(line.fields, line.message);
      }, warnAfter);
    },
    up: () => {
      if (since === undefined) return;
      const lasted = scheduler.now() - since;
      const wasWarned = warned;
      reset();
      if (!wasWarned) return;
      const line = recovery(lasted);
      logger.info(line.fields, line.message);
    },
    dispose: () => {
      disposed = true;
      reset();
    },
  };
}
