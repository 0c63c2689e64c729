import { ignoreElements, of, tap, type Observable } from 'rxjs';
import { forkJoinAll } from './fork-join-all.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import { Deadlines } from './deadlines.js';
import { guardedStep } from './guarded-step.js';
import type { RunSession } from './run-session.js';
import { stepStatus } from './step-status.js';

/**
 * Deregisters the instance from every registrar it registered with, all at once, each under
 * `registrarTimeout`. A failure or timeout is kept, and never keeps the servers from stopping
 * (in Kratos a failed Deregister left every server running).
 */
export function deregisterInstance(session: RunSession): Observable<never> {
  const { options, scheduler, emit } = session.ctx;
  const instance = session.instance;
  const registered = [...session.registered];
  if (registered.length === 0 || instance === undefined) return of();
  const deadlines = new Deadlines(scheduler);
  const deregistrations = registered.map((entry) =>
    guardedStep((signal) => entry.registrar.deregister(instance, signal), {
      timeout: options.registrarTimeout,
      grace: 0,
      scheduler,
      deadlines,
    }).pipe(
      tap((outcome) => {
        let error: KratosError | undefined;
        if (outcome.settled === 'unsettled' || outcome.timedOut) {
          error = new KratosError(
            KratosErrorCode.DeregisterTimeout,
            `Registrar "${entry.name}" did not deregister the instance within ${options.registrarTimeout} ms (registrarTimeout); the servers were stopped anyway. The registry may list this instance until its lease or TTL expires.`,
          );
        } else if (outcome.settled === 'rejected') {
          error = new KratosError(
            KratosErrorCode.DeregisterFailed,
            `Registrar "${entry.name}" failed to deregister the instance: ${describeError(outcome.error)}. The servers were stopped anyway; the registry may list this instance until its lease or TTL expires.`,
            { cause: outcome.error },
          );
        }
        if (error) session.errors.push(error);
        emit({
          type: 'deregister',
          registrar: entry.name,
          status: stepStatus(outcome),
          durationMs: outcome.durationMs,
          ...(error ? { error } : {}),
        });
      }),
    ),
  );
  return forkJoinAll(deregistrations).pipe(ignoreElements());
}
