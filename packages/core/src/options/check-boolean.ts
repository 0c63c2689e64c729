import { describeValue } from '../errors/describe-value.js';
import { gotValue, type OptionHint } from './option-hint.js';

/**
 * Checks an optional boolean: `undefined` passes, anything else must be `true` or `false` (no
 * truthy strings: `'false'` would read as true). Pushes `secure must be true or false, got "yes"`;
 * `true` when valid.
 */
export function checkBoolean(
  problems: string[],
  name: string,
  value: unknown,
  rule: OptionHint = {},
): boolean {
  if (value === undefined || typeof value === 'boolean') return true;
  problems.push(`${name} must be true or false${gotValue(describeValue(value), rule.hint)}`);
  return false;
}
