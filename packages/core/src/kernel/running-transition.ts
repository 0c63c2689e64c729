import { defer, ignoreElements, take, type Observable } from 'rxjs';
import type { LifecycleState } from '../contracts/lifecycle-state.js';
import type { RunSession } from './run-session.js';
import { summaryLine } from './summary-line.js';

/** What the transition needs of the kernel. */
export interface RunningControl {
  readonly setState: (state: LifecycleState) => void;
  readonly requestStop: (reason: string) => void;
}

/**
 * Between the start and the stop. When the start went through, the app is `running`: the state
 * is published and one summary line logged. When it halted by itself (a failure), a stop is
 * requested to roll it back. Either way, completes once a stop is requested (at once if one
 * already was): the stop then undoes what the start did.
 */
export function runningTransition(
  session: RunSession,
  control: RunningControl,
  startedAt: number,
): Observable<never> {
  return defer(() => {
    const { scheduler, logger, app, servers } = session.ctx;
    if (session.enterRunning()) {
      const startMs = scheduler.now() - startedAt;
      control.setState('running');
      logger.info(
        { app: app.toJSON(), servers: servers.length, startMs },
        summaryLine(
          app,
          servers.map((s) => s.name),
          startMs,
        ),
      );
    } else if (session.stopReason === undefined) {
      control.requestStop('rollback after a failed start');
    }
    return session.stopRequested$.pipe(take(1), ignoreElements());
  });
}
