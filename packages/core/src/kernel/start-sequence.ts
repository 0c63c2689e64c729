import { EMPTY, concat, defer, type Observable } from 'rxjs';
import { guardPhase } from './guard-phase.js';
import { registerInstance } from './register-instance.js';
import { resolveEndpoints } from './resolve-endpoints.js';
import { runHooks } from './run-hooks.js';
import type { RunSession } from './run-session.js';
import { startServers } from './start-servers.js';

/**
 * The start, in order: beforeStart hooks → every server at once → the instance (endpoints) →
 * registration → afterStart hooks. Each step runs only if nothing failed and no stop was requested
 * before it; what did happen is recorded in the session for the stop to undo. Never errors.
 */
export function startSequence(session: RunSession): Observable<never> {
  const unlessHalted = (
    during: string,
    step: (session: RunSession) => Observable<never>,
  ): Observable<never> =>
    defer(() => (session.halted ? EMPTY : step(session))).pipe(guardPhase(session, during));
  return concat(
    unlessHalted('the beforeStart hooks', (s) => runHooks(s, 'beforeStart')),
    unlessHalted('the start of the servers', startServers),
    unlessHalted('the resolution of the endpoints', resolveEndpoints),
    unlessHalted('the registration', registerInstance),
    unlessHalted('the afterStart hooks', (s) => runHooks(s, 'afterStart')),
  );
}
