import { finalize, ignoreElements, of, tap, type Observable } from 'rxjs';
import { forkJoinAll } from './fork-join-all.js';
import { AbortGroup } from './abort-group.js';
import { Deadlines } from './deadlines.js';
import { ABANDON_GRACE_MS } from '../contracts/kratos-options.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import { guardedStep, type StepOutcome } from './guarded-step.js';
import type { RegistrarEntry } from './named-step.js';
import type { RunSession } from './run-session.js';
import { stepStatus } from './step-status.js';

/**
 * Registers the instance with every registrar at once, each under `registrarTimeout`. A failure
 * aborts the others. Every registrar that registered, or may have (it ignored its aborted signal),
 * is recorded so that the stop deregisters it.
 */
export function registerInstance(session: RunSession): Observable<never> {
  const { registrars, options, scheduler, emit } = session.ctx;
  const instance = session.instance;
  if (registrars.length === 0 || instance === undefined) return of();
  // One group for the phase: a failure or a stop request aborts every step still in flight.
  const abortGroup = new AbortGroup();
  const deadlines = new Deadlines(scheduler);
  const leaveStop = session.startAbort.join(() => abortGroup.abort());
  const registrations = registrars.map((entry) =>
    guardedStep((signal) => entry.registrar.register(instance, signal), {
      timeout: options.registrarTimeout,
      grace: ABANDON_GRACE_MS,
      scheduler,
      abortGroup,
      deadlines,
      onTimeout: () => abortGroup.abort(),
    }).pipe(
      tap((outcome) => {
        if (outcome.settled !== 'rejected') session.registered.add(entry);
        const error = registerError(entry, outcome, options.registrarTimeout);
        if (error) {
          session.errors.push(error);
          abortGroup.abort();
        }
        emit({
          type: 'register',
          registrar: entry.name,
          status: stepStatus(outcome),
          durationMs: outcome.durationMs,
          ...(error ? { error } : {}),
        });
      }),
    ),
  );
  return forkJoinAll(registrations).pipe(finalize(leaveStop), ignoreElements());
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
