import { of, type Observable } from 'rxjs';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import type { RegistrarEntry } from './named-step.js';
import { runSteps, type StepOutcome } from './run-steps.js';
import type { RunSession } from './run-session.js';
import { stepReport } from './step-status.js';

/**
 * Deregisters the instance from every registrar it registered with, all at once, each under
 * `registrarTimeout`. A failure or timeout never keeps the servers from stopping (in Kratos a
 * failed Deregister left every server running), and is not fatal: the lease or TTL expires by
 * itself, so it is noted (logged at warn, on `events$`, in the trace) and `run()` still resolves
 * when nothing else failed; it is listed when `run()` rejects for another reason.
 */
export function deregisterInstance(session: RunSession): Observable<never> {
  const { options, scheduler, emit } = session.ctx;
  const instance = session.instance;
  const registered = [...session.registered];
  if (registered.length === 0 || instance === undefined) return of();
  return runSteps(registered, {
    run: (entry, signal) => entry.registrar.deregister(instance, signal),
    timeoutOf: () => options.registrarTimeout,
    grace: 0,
    scheduler,
    onOutcome: (entry, outcome) => {
      const error = deregisterError(entry, outcome, options.registrarTimeout);
      if (error) session.note(error);
      emit({ type: 'deregister', registrar: entry.name, ...stepReport(outcome, error) });
    },
  });
}

function deregisterError(
  entry: RegistrarEntry,
  outcome: StepOutcome,
  timeout: number,
): KratosError | undefined {
  if (outcome.settled === 'unsettled' || outcome.timedOut) {
    return new KratosError(
      KratosErrorCode.DeregisterTimeout,
      `Registrar "${entry.name}" did not deregister the instance within ${timeout} ms (registrarTimeout); the servers were stopped anyway. The registry may list this instance until its lease or TTL expires.`,
    );
  }
  if (outcome.settled === 'rejected') {
    return new KratosError(
      KratosErrorCode.DeregisterFailed,
      `Registrar "${entry.name}" failed to deregister the instance: ${describeError(outcome.error)}. The servers were stopped anyway; the registry may list this instance until its lease or TTL expires.`,
      { cause: outcome.error },
    );
  }
  return undefined;
}
