import {
  asyncScheduler,
  catchError,
  defer,
  firstValueFrom,
  map,
  of,
  race,
  timer,
  type SchedulerLike,
} from 'rxjs';
import { type Logger } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';

/** One thing to close when the process ends: a registry, clients, the app. */
export interface ClosingStep {
  /** Its name in the log lines (`app.close`, `registry`). */
  readonly name: string;
  /** Closes it; may hang (an etcd client whose etcd is frozen). */
  readonly close: () => Promise<void>;
}

/** What `closeWithin` could not finish: the steps that hung past the bound, and those that failed. */
export interface ClosingReport {
  readonly hung: readonly string[];
  readonly failed: readonly string[];
}

/** How `closeWithin` bounds and reports the steps. */
export interface CloseWithinOptions {
  /** Milliseconds each step may take. */
  readonly timeoutMs: number;
  /** The setting the bound comes from, named in the warning (`CLOSE_TIMEOUT_MS`). */
  readonly timeoutName: string;
  readonly logger: Logger;
  /** Where the bounds run; a `TestScheduler` in tests. Default RxJS's async scheduler. */
  readonly scheduler?: SchedulerLike;
}

type Outcome =
  | { readonly kind: 'closed' }
  | { readonly kind: 'hung' }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * Runs the closing steps one after the other, each bounded by `timeoutMs`: a step that hangs is
 * logged at warn and left behind, one that fails is logged at error, and the next one runs anyway.
 * The caller exits the process when something hung: whatever hangs (a socket) would keep it alive.
 *
 * @example
 * const report = await closeWithin([{ name: 'app.close', close: () => app.close() }], { timeoutMs: 5_000, timeoutName: 'CLOSE_TIMEOUT_MS', logger });
 * if (report.hung.length > 0) process.exit(process.exitCode ?? 0);
 */
export async function closeWithin(
  steps: readonly ClosingStep[],
  options: CloseWithinOptions,
): Promise<ClosingReport> {
  const { timeoutMs, timeoutName, logger, scheduler = asyncScheduler } = options;
  const hung: string[] = [];
  const failed: string[] = [];
  for (const step of steps) {
    const outcome = await firstValueFrom(
      race(
        defer(() => step.close()).pipe(
          map((): Outcome => ({ kind: 'closed' })),
          catchError((error: unknown) => of<Outcome>({ kind: 'failed', error })),
        ),
        timer(timeoutMs, scheduler).pipe(map((): Outcome => ({ kind: 'hung' }))),
      ),
    );
    if (outcome.kind === 'hung') {
      hung.push(step.name);
      logger.warn(
        { step: step.name, timeoutMs },
        `closing step "${step.name}" did not finish within ${timeoutMs} ms (${timeoutName}); exiting without waiting for it`,
      );
    } else if (outcome.kind === 'failed') {
      failed.push(step.name);
      logger.error(
        { step: step.name, err: outcome.error },
        `closing step "${step.name}" failed: ${describeError(outcome.error)}`,
      );
    }
  }
  return { hung, failed };
}
