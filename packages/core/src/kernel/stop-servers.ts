import type { Observable } from 'rxjs';
import { ABANDON_GRACE_MS } from '../contracts/kratos-options.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import type { KernelContext } from './kernel-context.js';
import type { ServerEntry } from './named-step.js';
import { runSteps, type StepOutcome } from './run-steps.js';
import { stepReport } from './step-status.js';
import { readStopReport } from './stop-report.js';

/**
 * Stops every given server at once. Each `stop(signal)` gets a signal that aborts at the server's
 * `stopTimeout` (finish forcibly then); a stop still unsettled 1 s later is abandoned and reported
 * as `KRATOS_STOP_TIMEOUT`. One slow or failing stop never delays or hides the others. Each
 * error goes to `onError` as it happens. A stop that resolves with a `ServerStopReport` (in time,
 * or after its signal aborted within the grace period) has it on its `server-stop` event, and a
 * warning is logged when it abandoned work.
 */
export function stopServers(
  ctx: KernelContext,
  servers: readonly ServerEntry[],
  onError: (error: KratosError) => void,
): Observable<never> {
  const { scheduler, emit, logger } = ctx;
  return runSteps(servers, {
    run: (entry, signal) => entry.server.stop(signal),
    timeoutOf: (entry) => entry.stopTimeout,
    grace: ABANDON_GRACE_MS,
    scheduler,
    onOutcome: (entry, outcome) => {
      const error = stopError(entry, outcome);
      if (error) onError(error);
      else if (outcome.timedOut) {
        logger.warn(
          { server: entry.name, stopTimeout: entry.stopTimeout },
          `Server "${entry.name}" was stopped forcibly at its stopTimeout`,
        );
      }
      const { report, problem } = readStopReport(outcome.value);
      if (problem !== undefined) {
        logger.warn(
          { server: entry.name },
          `Server "${entry.name}" stopped, but the report its stop() resolved with was ignored: ${problem}. Resolve with { abandoned: <count> } or with nothing.`,
        );
      }
      if (report?.abandoned) {
        logger.warn(
          { server: entry.name, abandoned: report.abandoned },
          `Server "${entry.name}" abandoned ${report.abandoned} in-flight unit(s) of work when its stop signal aborted (stopTimeout ${entry.stopTimeout} ms)`,
        );
      }
      const step = stepReport(outcome, error);
      emit(
        report
          ? { type: 'server-stop', server: entry.name, ...step, report }
          : { type: 'server-stop', server: entry.name, ...step },
      );
    },
  });
}

function stopError(entry: ServerEntry, outcome: StepOutcome): KratosError | undefined {
  if (outcome.settled === 'unsettled') {
    return new KratosError(
      KratosErrorCode.StopTimeout,
      `Server "${entry.name}" did not stop within ${entry.stopTimeout} ms (stopTimeout), nor ${ABANDON_GRACE_MS} ms after its stop signal aborted; it was abandoned. Make stop() finish forcibly when its signal aborts, or raise @Server({ stopTimeout }).`,
    );
  }
  if (outcome.settled === 'rejected' && outcome.timedOut) {
    // The rejection is what the forced stop ended with; the reason it was forced is the timeout.
    return new KratosError(
      KratosErrorCode.StopTimeout,
      `Server "${entry.name}" did not stop within ${entry.stopTimeout} ms (stopTimeout); forced to finish, its stop rejected: ${describeError(outcome.error)}. The other servers were stopped regardless. Raise @Server({ stopTimeout }) or check what stop() waits for.`,
      { cause: outcome.error },
    );
  }
  if (outcome.settled === 'rejected') {
    return new KratosError(
      KratosErrorCode.StopFailed,
      `Server "${entry.name}" failed to stop: ${describeError(outcome.error)}. The other servers were stopped regardless.`,
      { cause: outcome.error },
    );
  }
  return undefined;
}
