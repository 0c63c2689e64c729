import { describeValue } from '../errors/describe-value.js';
import { gotValue, type OptionHint } from './option-hint.js';

/** How `checkDuration` bounds a duration. */
export interface DurationRule extends OptionHint {
  /** `true`: 0 is allowed (`>= 0`, "no delay"); `false`: it must be `> 0`. */
  readonly zero: boolean;
  /** The largest value allowed, e.g. a Node timer's 2147483647 ms. Default: none. */
  readonly max?: number | undefined;
  /** Whole milliseconds only (what grpc-js and etcd take). Default false. */
  readonly whole?: boolean | undefined;
}

/**
 * Checks an optional duration in milliseconds: `undefined` passes (the default applies), anything
 * else must be a finite number, `> 0` or `>= 0` as `rule.zero` says, up to `rule.max`. Pushes e.g.
 * `timeout must be a finite number of milliseconds > 0 and <= 2147483647, got -1`; `true` when valid.
 *
 * @example
 * checkDuration(problems, 'drainDelay', raw.drainDelay, { zero: true });
 */
export function checkDuration(problems: string[], name: string, value: unknown, rule: DurationRule): boolean {
  if (value === undefined) return true;
  const { zero, max, whole = false } = rule;
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (zero ? value >= 0 : value > 0) &&
    (max === undefined || value <= max) &&
    (!whole || Number.isSafeInteger(value))
  ) {
    return true;
  }
  const kind = whole ? 'a whole number of milliseconds' : 'a finite number of milliseconds';
  const range = `${zero ? '>= 0' : '> 0'}${max === undefined ? '' : ` and <= ${max}`}`;
  problems.push(`${name} must be ${kind} ${range}${gotValue(describeValue(value), rule.hint)}`);
  return false;
}
