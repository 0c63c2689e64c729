import type { ServerStopReport } from '../contracts/server-stop-report.js';
import { describeValue } from '../errors/describe-value.js';

/** What a stop resolved with, read as a `ServerStopReport`. */
export interface ReadStopReport {
  /** The report, when the value carried a valid `abandoned` count. */
  readonly report?: ServerStopReport;
  /** Why the value's `abandoned` was not taken, when it had one that is not a count. */
  readonly problem?: string;
}

/**
 * Reads what a server's `stop()` resolved with. An object with an `abandoned` count (an integer
 * >= 0) is a report; anything else (`undefined`, a server returning `this`…) is no report. An
 * `abandoned` that is not a count is a problem to log, never thrown: the stop itself went fine.
 */
export function readStopReport(value: unknown): ReadStopReport {
  if (typeof value !== 'object' || value === null) return {};
  let abandoned: unknown;
  try {
    abandoned = (value as { abandoned?: unknown }).abandoned;
  } catch (error) {
    return { problem: `reading its "abandoned" threw ${describeValue(error)}` };
  }
  if (abandoned === undefined) return {};
  if (typeof abandoned === 'number' && Number.isSafeInteger(abandoned) && abandoned >= 0) {
    return { report: Object.freeze({ abandoned }) };
  }
  return { problem: `its "abandoned" is ${describeValue(abandoned)}, not an integer >= 0` };
}
