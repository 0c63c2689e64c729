import type { StepStatus } from '../contracts/lifecycle-event.js';
import type { StepOutcome } from './guarded-step.js';

/** The status a lifecycle event reports for a step's outcome. */
export function stepStatus(outcome: StepOutcome): StepStatus {
  if (outcome.settled === 'unsettled') return 'abandoned';
  if (outcome.timedOut) return 'timeout';
  if (outcome.aborted) return 'aborted';
  return outcome.settled === 'resolved' ? 'ok' : 'failed';
}
