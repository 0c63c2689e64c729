import { performance } from 'node:perf_hooks';
import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * The time in milliseconds since the epoch, to a fraction of a microsecond: `performance.now()`
 * on `performance.timeOrigin`. Date.now() ticks in whole milliseconds.
 */
export function highResolutionNow(): number {
  return performance.timeOrigin + performance.now();
}

// asyncScheduler's timers, read on the high-resolution clock.
const realScheduler: SchedulerLike = {
  now: highResolutionNow,
  schedule: asyncScheduler.schedule.bind(asyncScheduler),
};

/**
 * The scheduler a run waits and measures on. An injected virtual scheduler (a TestScheduler, the
 * testing package's clock) is kept: its `now()` is the test's time, and durations stay its exact
 * milliseconds. The real one (none injected, or `asyncScheduler`) keeps its timers but tells the
 * time with `highResolutionNow`: on asyncScheduler's Date-based clock a hook that took 200 µs
 * lasted 0 ms, and the lifecycle trace showed whole milliseconds only.
 */
export function kernelScheduler(injected: SchedulerLike | undefined): SchedulerLike {
  return injected === undefined || injected === asyncScheduler ? realScheduler : injected;
}
