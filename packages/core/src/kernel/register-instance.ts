import { of, type Observable } from 'rxjs';
import { ABANDON_GRACE_MS } from '../contracts/kratos-options.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import type { RegistrarEntry } from './named-step.js';
import { runSteps, type StepOutcome } from './run-steps.js';
import type { RunSession } from './run-session.js';
import { stepReport } from './step-status.js';

/**
 * Registers the instance with every registrar at once, each under `registrarTimeout`. A failure
 * aborts the others. Every registrar that registered, or may have (it ignored its aborted signal),
 * is recorded so that the stop deregisters it.
 */
export function registerInstance(session: RunSession): Observable<never> {
  const { registrars, options, scheduler, emit } = session.ctx;
  const instance = session.instance;
  if (registrars.length === 0 || instance === undefined) return of();
  return runSteps(registrars, {
    run: (entry, signal) => entry.registrar.register(instance, signal),
    timeoutOf: () => options.registrarTimeout,
    grace: ABANDON_GRACE_MS,
    scheduler,
    abortGroup: session.startAbort,
    onTimeout: () => session.startAbort.abort(),
    onOutcome: (entry, outcome) => {
      if (outcome.settled !== 'rejected') session.recordRegistered(entry);
      const error = registerError(entry, outcome, options.registrarTimeout);
      if (error) session.fail(error);
      emit({ type: 'register', registrar: entry.name, ...stepReport(outcome, error) });
    },
  });
}

function registerError(
  entry: RegistrarEntry,
  outcome: StepOutcome,
  timeout: number,
): KratosError | undefined {
  const aftermath = 'The instance was deregistered where it had registered and every server was stopped.';
  if (outcome.timedOut) {
    return new KratosError(
      KratosErrorCode.RegisterTimeout,
      `Registrar "${entry.name}" did not register the instance within ${timeout} ms (registrarTimeout). ${aftermath} Check that the registry is reachable, or raise KratosOptions.registrarTimeout.`,
      outcome.settled === 'rejected' ? { cause: outcome.error } : {},
    );
  }
  if (outcome.settled === 'rejected' && !outcome.aborted) {
    return new KratosError(
      KratosErrorCode.RegisterFailed,
      `Registrar "${entry.name}" failed to register the instance: ${describeError(outcome.error)}. ${aftermath}`,
      { cause: outcome.error },
    );
  }
  if (outcome.settled === 'unsettled') {
    return new KratosError(
      KratosErrorCode.RegisterTimeout,
      `Registrar "${entry.name}" ignored its aborted signal for ${ABANDON_GRACE_MS} ms; it was abandoned. Make register() honour its signal.`,
    );
  }
  return undefined;
}
