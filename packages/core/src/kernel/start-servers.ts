import { finalize, ignoreElements, of, type Observable } from 'rxjs';
import { forkJoinAll } from './fork-join-all.js';
import { AbortGroup } from './abort-group.js';
import { Deadlines } from './deadlines.js';
import { ABANDON_GRACE_MS } from '../contracts/kratos-options.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import { guardedStep, type StepOutcome } from './guarded-step.js';
import type { ServerEntry } from './named-step.js';
import type { RunSession } from './run-session.js';
import { stepStatus } from './step-status.js';

/**
 * Starts every server at once (`forkJoin`), each with its own AbortSignal and `startTimeout`.
 * The first failure or timeout, or a stop request, aborts the starts still in flight; the phase
 * then waits for each of them to settle (at most the grace period), so that every server whose
 * start resolved, even late, is recorded in `session.started` and gets stopped.
 */
export function startServers(session: RunSession): Observable<never> {
  const { servers, scheduler, emit, logger } = session.ctx;
  if (servers.length === 0) return of();
  // One group for the phase: a failure or a stop request aborts every step still in flight.
  const abortGroup = new AbortGroup();
  const deadlines = new Deadlines(scheduler);
  const leaveStop = session.startAbort.join(() => abortGroup.abort());

  const starts = servers.map((entry) =>
    guardedStep(
      (signal) => {
        // The kernel hands itself over first, so probes answer from the lifecycle state.
        entry.server.attachKernel?.(session.ctx.kernel);
        return entry.server.start(signal);
      },
      {
        timeout: entry.startTimeout,
        grace: ABANDON_GRACE_MS,
        scheduler,
        abortGroup,
        deadlines,
        onTimeout: () => abortGroup.abort(),
        onOutcome: (outcome) => {
          if (outcome.settled === 'resolved') session.started.add(entry);
          const error = startError(entry, outcome);
          if (error) {
            session.errors.push(error);
            abortGroup.abort();
          }
          emit({
            type: 'server-start',
            server: entry.name,
            status: stepStatus(outcome),
            durationMs: outcome.durationMs,
            ...(error ? { error } : {}),
          });
        },
        onLateResolve: () => {
          logger.warn(
            { server: entry.name },
            `Server "${entry.name}" finished starting after it was abandoned; stopping it`,
          );
          session.lateStarted(entry);
        },
      },
    ),
  );
  return forkJoinAll(starts).pipe(finalize(leaveStop), ignoreElements());
}

function startError(entry: ServerEntry, outcome: StepOutcome): KratosError | undefined {
  const server = `Server "${entry.name}"`;
  const aftermath = 'Every server that started was stopped and the instance was not registered.';
  if (outcome.timedOut) {
    const late =
      outcome.settled === 'unsettled'
        ? ` It also ignored its aborted signal for ${ABANDON_GRACE_MS} ms and was abandoned.`
        : '';
    return new KratosError(
      KratosErrorCode.StartTimeout,
      `${server} did not start within ${entry.startTimeout} ms (startTimeout).${late} ${aftermath} Raise @Server({ startTimeout }) or KratosOptions.startTimeout, or check what start() awaits.`,
    );
  }
  if (outcome.settled === 'rejected' && !outcome.aborted) {
    return new KratosError(
      KratosErrorCode.StartFailed,
      `${server} failed to start: ${describeError(outcome.error)}. ${aftermath} Fix the cause above; it is kept in error.cause.`,
      { cause: outcome.error },
    );
  }
  if (outcome.settled === 'unsettled') {
    return new KratosError(
      KratosErrorCode.StartAbandoned,
      `${server} was asked to give up starting but ignored its aborted signal for ${ABANDON_GRACE_MS} ms; it was abandoned and will be stopped if it ever finishes starting. Make start() honour its signal.`,
    );
  }
  return undefined;
}
