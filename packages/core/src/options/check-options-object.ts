import { describeValue } from '../errors/describe-value.js';

/**
 * Checks that `options` is a plain object (not `null`, not an array) and gives its entries to read,
 * `{}` when it is not one, so that the other checks still run and one error lists everything.
 * Pushes e.g. `the options must be an object such as { port: 9000 }, got null`.
 *
 * @example
 * const raw = checkOptionsObject(problems, 'the options', options, '{ port: 9000 }');
 */
export function checkOptionsObject(
  problems: string[],
  name: string,
  options: unknown,
  example: string,
): Record<string, unknown> {
  if (typeof options === 'object' && options !== null && !isArray(options)) {
    return options as Record<string, unknown>;
  }
  problems.push(`${name} must be an object such as ${example}, got ${describeValue(options)}`);
  return {};
}

function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return true; // a revoked Proxy: nothing we can read
  }
}
