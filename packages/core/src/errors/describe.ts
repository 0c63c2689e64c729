/**
 * A short, single-line description of any thrown value, for messages and log lines: an `Error`'s
 * message (its name when the message is empty), anything else as `String()` makes it. It never
 * throws, whatever the value: one that cannot be turned into a string (`Object.create(null)`, a
 * throwing `toString`, a revoked Proxy) is described by its kind, e.g.
 * `[object Object], which cannot be turned into a string`.
 *
 * @example
 * `Server "http" failed to start: ${describeError(error)}.`
 */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) {
      const message: unknown = error.message;
      if (typeof message === 'string' && message !== '') return message;
      const name: unknown = error.name;
      return typeof name === 'string' && name !== '' ? name : 'Error';
    }
    return String(error);
  } catch {
    return `${kindOf(error)}, which cannot be turned into a string`;
  }
}

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

/**
 * `true` when `value` is an object with a function under every name of `methods` (duck typing for
 * options). `false`, never a throw, when reading a method throws (a getter, a Proxy).
 */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  try {
    return methods.every((method) => typeof record[method] === 'function');
  } catch {
    return false;
  }
}

/** `[object Object]`, `[object Array]` … when the value allows it, else its `typeof`; never throws. */
function kindOf(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    // `typeof` never throws, not even on a revoked Proxy.
    return `a ${typeof value}`;
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
