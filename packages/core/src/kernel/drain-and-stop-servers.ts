import { concat, defer, ignoreElements, merge, tap, timer, type Observable } from 'rxjs';
import { guardPhase } from './guard-phase.js';
import type { ServerEntry } from './named-step.js';
import type { RunSession } from './run-session.js';
import { stopServers } from './stop-servers.js';

/**
 * The drain and the stop of the servers, from the instant deregistration is done: each server
 * keeps serving for its own `drainDelay` (the app's when it has none), then is stopped; servers
 * with the same delay stop together, as one batch, so each `stopTimeout` counts from that server's
 * own stop. A consumer (delay 0) is stopped at once while HTTP/gRPC servers wait out theirs. The
 * `drain` event marks the end of the longest delay (the last servers are told to stop next).
 * Without traffic to drain (a start that never served nor registered), every delay is 0.
 */
export function drainAndStopServers(session: RunSession): Observable<never> {
  const { ctx } = session;
  const { scheduler, emit, options } = ctx;
  const drains = session.mayHaveTraffic;
  const byDelay = new Map<number, ServerEntry[]>();
  for (const entry of session.takeServersToStop()) {
    const delay = drains ? entry.drainDelay : 0;
    const batch = byDelay.get(delay);
    if (batch) batch.push(entry);
    else byDelay.set(delay, [entry]);
  }
  // No server: the app's delay still passes, as it always did (someone may rely on the pause).
  if (byDelay.size === 0) byDelay.set(drains ? options.drainDelay : 0, []);
  const longest = Math.max(...byDelay.keys());
  const startedAt = scheduler.now();
  const onError = (error: Parameters<RunSession['fail']>[0]): void => session.fail(error);
  return merge(
    ...[...byDelay].map(([delay, servers]) => {
      // Guarded per batch: a bug reporting one batch must not cancel the others' drain and stop.
      const stop = defer(() => stopServers(ctx, servers, onError)).pipe(
        guardPhase(session, `the stop of the servers with a drainDelay of ${delay} ms`),
      );
      if (delay <= 0) return stop;
      const wait = timer(delay, scheduler).pipe(
        tap(() => {
          if (delay === longest) emit({ type: 'drain', durationMs: scheduler.now() - startedAt });
        }),
        ignoreElements(),
      );
      return concat(wait, stop);
    }),
  );
}
