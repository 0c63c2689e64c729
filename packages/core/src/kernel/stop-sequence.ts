import { EMPTY, concat, defer, ignoreElements, tap, timer, type Observable } from 'rxjs';
import { deregisterInstance } from './deregister-instance.js';
import { guardPhase } from './guard-phase.js';
import { runHooks } from './run-hooks.js';
import type { RunSession } from './run-session.js';
import { stopServers } from './stop-servers.js';

/**
 * The stop, in order, each step whatever happened in the ones before: beforeStop hooks →
 * deregistration → `drainDelay` (servers keep serving) → every started server at once →
 * afterStop hooks. It undoes exactly what the session recorded. Never errors: a step that errors
 * is recorded and the next one still runs.
 */
export function stopSequence(session: RunSession): Observable<never> {
  const { options, scheduler, emit } = session.ctx;
  const step = (during: string, run: () => Observable<never>): Observable<never> =>
    defer(run).pipe(guardPhase(session, during));
  return concat(
    step('the beforeStop hooks', () => {
      session.beginStop();
      return runHooks(session, 'beforeStop');
    }),
    step('the deregistration', () => deregisterInstance(session)),
    step('the drain delay', () => {
      // Drain only where someone may still send traffic: the app was ready, or registered.
      const drain = session.mayHaveTraffic ? options.drainDelay : 0;
      if (drain <= 0) return EMPTY;
      const startedAt = scheduler.now();
      return timer(drain, scheduler).pipe(
        tap(() => emit({ type: 'drain', durationMs: scheduler.now() - startedAt })),
        ignoreElements(),
      );
    }),
    step('the stop of the servers', () =>
      stopServers(session.ctx, session.takeServersToStop(), (error) => session.fail(error)),
    ),
    step('the afterStop hooks', () => runHooks(session, 'afterStop')),
  );
}
