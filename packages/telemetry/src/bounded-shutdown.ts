import { catchError, defer, firstValueFrom, map, of, race, timer, type SchedulerLike } from 'rxjs';
import type { TelemetryShutdown } from './telemetry-shutdown.js';

/**
 * Runs `shutdown` and settles with its outcome, or with `timeout` once `timeoutMs` passed on
 * `scheduler`, whichever comes first; never rejects. What `shutdown` still does past the bound is
 * left running (nothing can cancel an exporter's request): the caller reports it.
 */
export function boundedShutdown(
  shutdown: () => Promise<void>,
  timeoutMs: number,
  scheduler: SchedulerLike,
): Promise<TelemetryShutdown> {
  const startedAt = scheduler.now();
  const took = (): number => scheduler.now() - startedAt;
  return firstValueFrom(
    race(
      defer(shutdown).pipe(
        map((): TelemetryShutdown => ({ status: 'flushed', durationMs: took() })),
        catchError((error: unknown) =>
          of<TelemetryShutdown>({ status: 'failed', durationMs: took(), error }),
        ),
      ),
      timer(timeoutMs, scheduler).pipe(
        map((): TelemetryShutdown => ({ status: 'timeout', durationMs: took() })),
      ),
    ),
  );
}
