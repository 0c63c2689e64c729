/**
 * A value as an "invalid option" message shows it: strings quoted, numbers and booleans as they are,
 * anything else by its kind (`null`, `an array`, `a function`, `an object` …), never an object's
 * contents, which may be large or secret. It never throws (a revoked Proxy is `an object`).
 *
 * @example
 * `timeout must be a number of milliseconds > 0, got ${describeValue(options.timeout)}`
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return (value as unknown[]).length === 0 ? 'an empty array' : 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

/** `Array.isArray`, which throws on a revoked Proxy: that one is no array we can read. */
function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}
