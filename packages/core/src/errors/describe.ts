/**
 * A short, single-line description of any thrown value, for messages and log lines: an `Error`'s
 * message (its name when the message is empty), anything else as `String()` makes it.
 *
 * @example
 * `Server "http" failed to start: ${describeError(error)}.`
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * A value as an "invalid option" message shows it: strings quoted, numbers and booleans as they are,
 * anything else by its kind (`null`, `an array`, `a function`, `an object` …), never an object's
 * contents, which may be large or secret.
 *
 * @example
 * `timeout must be a number of milliseconds > 0, got ${describeValue(options.timeout)}`
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
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

/** `true` when `value` is an object with a function under every name of `methods` (duck typing for options). */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return methods.every((method) => typeof record[method] === 'function');
}
