import { describeValue } from '../errors/describe-value.js';
import { gotValue, type OptionHint } from './option-hint.js';

/** How `checkInteger` bounds a whole number. */
export interface IntegerRule extends OptionHint {
  /** The smallest value allowed. Default 1 (a positive integer). */
  readonly min?: number | undefined;
  /** The largest value allowed. Default: none (up to `Number.MAX_SAFE_INTEGER`). */
  readonly max?: number | undefined;
  /** What it counts, for the message: `'bytes'`, `'seconds'`. Default none. */
  readonly unit?: string | undefined;
}

/**
 * Checks an optional whole number (a count, a size, a port): `undefined` passes, anything else must
 * be a safe integer from `rule.min` (default 1) to `rule.max`. Pushes e.g.
 * `maxResponseBytes must be a whole number of bytes >= 1, got 0.5`; `true` when valid.
 *
 * @example
 * checkInteger(problems, 'port', port, { min: 0, max: 65535, hint: '0 lets the OS choose' });
 */
export function checkInteger(
  problems: string[],
  name: string,
  value: unknown,
  rule: IntegerRule = {},
): boolean {
  if (value === undefined) return true;
  const { min = 1, max, unit } = rule;
  if (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= min &&
    (max === undefined || value <= max)
  ) {
    return true;
  }
  const range = max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
  problems.push(
    `${name} must be a whole number${unit === undefined ? '' : ` of ${unit}`} ${range}${gotValue(describeValue(value), rule.hint)}`,
  );
  return false;
}
