import { describeValue } from '../errors/describe-value.js';
import { gotValue, type OptionHint } from './option-hint.js';

/**
 * Checks an optional value against the values it may take: `undefined` passes, anything else must
 * be one of `allowed`. Pushes `uncaughtErrors must be one of "stop", "ignore", got "exit"`; `true`
 * when valid.
 *
 * @example
 * checkEnum(problems, 'uncaughtErrors', raw.uncaughtErrors, ['stop', 'ignore']);
 */
export function checkEnum(
  problems: string[],
  name: string,
  value: unknown,
  allowed: readonly (string | number | boolean)[],
  rule: OptionHint = {},
): boolean {
  if (value === undefined || allowed.includes(value as string)) return true;
  problems.push(
    `${name} must be one of ${allowed.map((one) => describeValue(one)).join(', ')}${gotValue(describeValue(value), rule.hint)}`,
  );
  return false;
}
