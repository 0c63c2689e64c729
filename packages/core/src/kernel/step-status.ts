import type { StepStatus } from '../contracts/lifecycle-event.js';
import type { KratosError } from '../errors/kratos-error.js';
import type { StepOutcome } from './run-steps.js';

/** The status a lifecycle event reports for a step's outcome. */
export function stepStatus(outcome: StepOutcome): StepStatus {
  if (outcome.settled === 'unsettled') return 'abandoned';
  if (outcome.timedOut) return 'timeout';
  if (outcome.aborted) return 'aborted';
  return outcome.settled === 'resolved' ? 'ok' : 'failed';
}

/** What every step event carries: its status, its duration and its error when it has one. */
export interface StepReport {
  readonly status: StepStatus;
  readonly durationMs: number;
  readonly error?: KratosError;
}

/** The step-event fields of an outcome and the error the phase made of it. */
export function stepReport(outcome: StepOutcome, error: KratosError | undefined): StepReport {
  const status = stepStatus(outcome);
  const { durationMs } = outcome;
  return error ? { status, durationMs, error } : { status, durationMs };
}
