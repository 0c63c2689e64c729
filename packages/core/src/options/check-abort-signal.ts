import { describeValue } from '../errors/describe-value.js';
import { gotValue, type OptionHint } from './option-hint.js';

/**
 * Checks an optional `AbortSignal`: `undefined` passes, anything else must be one (an
 * `AbortController`'s `signal`, `AbortSignal.timeout(ms)`). Pushes
 * `signal must be an AbortSignal such as AbortSignal.timeout(5000), got an object`; `true` when valid.
 */
export function checkAbortSignal(
  problems: string[],
  name: string,
  value: unknown,
  rule: OptionHint = {},
): boolean {
  if (value === undefined || value instanceof AbortSignal) return true;
  problems.push(
    `${name} must be an AbortSignal such as AbortSignal.timeout(5000)${gotValue(describeValue(value), rule.hint)}`,
  );
  return false;
}
