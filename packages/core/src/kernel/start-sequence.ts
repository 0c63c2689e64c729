import { EMPTY, concat, defer, type Observable } from 'rxjs';
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
  const unlessHalted = (step: (session: RunSession) => Observable<never>): Observable<never> =>
    defer(() => (session.halted ? EMPTY : step(session)));
  return concat(
    unlessHalted((s) => runHooks(s, 'beforeStart')),
    unlessHalted(startServers),
    unlessHalted(resolveEndpoints),
    unlessHalted(registerInstance),
    unlessHalted((s) => runHooks(s, 'afterStart')),
  );
}
