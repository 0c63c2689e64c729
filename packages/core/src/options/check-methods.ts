import { hasMethods } from '../errors/describe.js';
import { describeValue } from '../errors/describe-value.js';
import { gotValue, type OptionHint } from './option-hint.js';

/** How `checkMethods` treats a value left out. */
export interface MethodsRule extends OptionHint {
  /** `true`: `undefined` is refused too (an argument, not an option). Default false. */
  readonly required?: boolean | undefined;
}

/**
 * Checks an optional "object with methods" (duck typing): `undefined` passes unless `rule.required`, anything else must
 * have a function under every name of `methods`. `what` names the contract (`'a Selector such as
 * p2c()'`). Pushes e.g. `selector must be a Selector such as p2c() with pick(), got an object: it has
 * no pick()`, naming the missing methods when the value is an object; `true` when valid. It never
 * throws (a throwing getter, a revoked Proxy count as missing).
 *
 * @example
 * checkMethods(problems, 'discovery', raw.discovery, ['getService', 'watch'], 'a ServiceDiscovery');
 */
export function checkMethods(
  problems: string[],
  name: string,
  value: unknown,
  methods: readonly string[],
  what: string,
  rule: MethodsRule = {},
): boolean {
  if ((value === undefined && rule.required !== true) || hasMethods(value, methods)) return true;
  const missing = typeof value === 'object' && value !== null ? missingMethods(value, methods) : [];
  // An object that has some of the methods is most likely the right thing in an older or smaller
  // shape: naming what it lacks says what to add.
  const lacks =
    missing.length > 0 && missing.length < methods.length ? `it has no ${listOf(missing)}` : undefined;
  const hint = [lacks, rule.hint].filter((part) => part !== undefined).join('; ');
  problems.push(
    `${name} must be ${what} with ${listOf(methods)}${gotValue(describeValue(value), hint === '' ? undefined : hint)}`,
  );
  return false;
}

/** `debug(), info() and warn()`. */
function listOf(methods: readonly string[]): string {
  const calls = methods.map((method) => `${method}()`);
  return calls.length > 1 ? `${calls.slice(0, -1).join(', ')} and ${calls.at(-1)!}` : (calls[0] ?? '');
}

function missingMethods(value: object, methods: readonly string[]): string[] {
  return methods.filter((method) => !hasMethods(value, [method]));
}
