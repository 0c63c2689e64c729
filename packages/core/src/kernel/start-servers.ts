import type { Observable } from 'rxjs';
import { ABANDON_GRACE_MS } from '../contracts/kratos-options.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import type { ServerEntry } from './named-step.js';
import { runSteps, type StepOutcome } from './run-steps.js';
import type { RunSession } from './run-session.js';
import { stepReport } from './step-status.js';

/**
 * Starts every server at once, each `start(signal)` with a signal that aborts at the server's
 * `startTimeout` (servers with the same timeout share it). The first failure or timeout, or a stop
 * request, aborts every start still in flight; the phase then waits for each of them to settle (at
 * most the grace period), so that every server whose start resolved, even late, is recorded in the
 * session and gets stopped.
 */
export function startServers(session: RunSession): Observable<never> {
  const { servers, scheduler, emit, logger, kernel } = session.ctx;
  return runSteps(servers, {
    run: (entry, signal) => {
      // The kernel hands itself over first, so probes answer from the lifecycle state.
      entry.server.attachKernel?.(kernel);
      return entry.server.start(signal);
    },
    timeoutOf: (entry) => entry.startTimeout,
    grace: ABANDON_GRACE_MS,
    scheduler,
    abortGroup: session.startAbort,
    // A start that timed out fails the start at once, even if it ignores its aborted signal.
    onTimeout: () => session.startAbort.abort(),
    onOutcome: (entry, outcome) => {
      if (outcome.settled === 'resolved') session.recordStarted(entry);
      const error = startError(entry, outcome);
      if (error) session.fail(error);
      emit({ type: 'server-start', server: entry.name, ...stepReport(outcome, error) });
    },
    onLateResolve: (entry) => {
      logger.warn(
        { server: entry.name },
        `Server "${entry.name}" finished starting after it was abandoned; stopping it`,
      );
      session.lateStarted(entry);
    },
  });
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
      // What the start itself rejected with once its signal aborted, when it did.
      outcome.settled === 'rejected' ? { cause: outcome.error } : {},
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
