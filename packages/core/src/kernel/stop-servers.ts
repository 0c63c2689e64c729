import { map, of, type Observable } from 'rxjs';
import { forkJoinAll } from './fork-join-all.js';
import { ABANDON_GRACE_MS } from '../contracts/kratos-options.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import { Deadlines } from './deadlines.js';
import { guardedStep } from './guarded-step.js';
import type { ServerEntry } from './named-step.js';
import type { KernelContext } from './run-session.js';
import { stepStatus } from './step-status.js';

/**
 * Stops every given server at once. Each `stop(signal)` gets a signal that aborts at the server's
 * `stopTimeout` (finish forcibly then); a stop still unsettled 1 s later is abandoned and reported
 * as `KRATOS_STOP_TIMEOUT`. One slow or failing stop never delays or hides the others.
 */
export function stopServers(ctx: KernelContext, servers: readonly ServerEntry[]): Observable<KratosError[]> {
  if (servers.length === 0) return of([]);
  const deadlines = new Deadlines(ctx.scheduler);
  return forkJoinAll(servers.map((entry) => stopServer(ctx, entry, deadlines))).pipe(
    map((errors) => errors.filter((error): error is KratosError => error !== undefined)),
  );
}

/** Stops one server; emits its error, or `undefined` when it stopped (gracefully or forcibly). */
export function stopServer(
  ctx: KernelContext,
  entry: ServerEntry,
  deadlines = new Deadlines(ctx.scheduler),
): Observable<KratosError | undefined> {
  const { scheduler, emit, logger } = ctx;
  return guardedStep((signal) => entry.server.stop(signal), {
    timeout: entry.stopTimeout,
    grace: ABANDON_GRACE_MS,
    scheduler,
    deadlines,
  }).pipe(
    map((outcome) => {
      let error: KratosError | undefined;
      if (outcome.settled === 'unsettled') {
        error = new KratosError(
          KratosErrorCode.StopTimeout,
          `Server "${entry.name}" did not stop within ${entry.stopTimeout} ms (stopTimeout), nor ${ABANDON_GRACE_MS} ms after its stop signal aborted; it was abandoned. Make stop() finish forcibly when its signal aborts, or raise @Server({ stopTimeout }).`,
        );
      } else if (outcome.settled === 'rejected') {
        error = new KratosError(
          KratosErrorCode.StopFailed,
          `Server "${entry.name}" failed to stop: ${describeError(outcome.error)}. The other servers were stopped regardless.`,
          { cause: outcome.error },
        );
      } else if (outcome.timedOut) {
        logger.warn(
          { server: entry.name, stopTimeout: entry.stopTimeout },
          `Server "${entry.name}" was stopped forcibly at its stopTimeout`,
        );
      }
      emit({
        type: 'server-stop',
        server: entry.name,
        status: stepStatus(outcome),
        durationMs: outcome.durationMs,
        ...(error ? { error } : {}),
      });
      return error;
    }),
  );
}
