import { redact } from './redact.js';

export { describeValue } from './describe-value.js';

/**
 * A short, single-line description of any thrown value, for messages and log lines: an `Error`'s
 * message (its name when the message is empty), anything else as `String()` makes it, with its
 * secrets redacted (`redact`: a cause from a third-party library may echo `http://user:pw@host`),
 * since whatever it returns ends up in an error message, a log line or a trace. It never
 * throws, whatever the value: one that cannot be turned into a string (`Object.create(null)`, a
 * throwing `toString`, a revoked Proxy) is described by its kind, e.g.
 * `[object Object], which cannot be turned into a string`. It is a clause, without a final period
 * (the messages of kratos-ts errors end with one), so that the message quoting it can go on, or
 * end, with its own: never `..`.
 *
 * @example
 * `Server "http" failed to start: ${describeError(error)}.`
 */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) {
      const message: unknown = error.message;
      if (typeof message === 'string' && message !== '') return clause(redact(message));
      const name: unknown = error.name;
      return typeof name === 'string' && name !== '' ? name : 'Error';
    }
    return clause(redact(String(error)));
  } catch {
    return `${kindOf(error)}, which cannot be turned into a string`;
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

// One period only: an ellipsis keeps two, which read as one again once the quoting message's
// period follows.
function clause(text: string): string {
  return text.length > 1 && text.endsWith('.') ? text.slice(0, -1) : text;
}
