import { concat, defer, type Observable } from 'rxjs';
import { deregisterInstance } from './deregister-instance.js';
import { drainAndStopServers } from './drain-and-stop-servers.js';
import { guardPhase } from './guard-phase.js';
import { runHooks } from './run-hooks.js';
import type { RunSession } from './run-session.js';

/**
 * The stop, in order, each step whatever happened in the ones before: beforeStop hooks →
 * deregistration → each started server once its own `drainDelay` has passed (servers keep
 * serving meanwhile; all of them at once when their delays are equal) → afterStop hooks. It undoes exactly what the session recorded. Never errors: a step that errors
 * is recorded and the next one still runs.
 */
export function stopSequence(session: RunSession): Observable<never> {
  const step = (during: string, run: () => Observable<never>): Observable<never> =>
    defer(run).pipe(guardPhase(session, during));
  return concat(
    step('the beforeStop hooks', () => {
      session.beginStop();
      return runHooks(session, 'beforeStop');
    }),
    step('the deregistration', () => deregisterInstance(session)),
    step('the drain and the stop of the servers', () => drainAndStopServers(session)),
    step('the afterStop hooks', () => runHooks(session, 'afterStop')),
  );
}
