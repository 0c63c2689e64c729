import { describeError } from '@kratos-ts/core';

/**
 * `describeError(error)` that never throws: a thrown value whose description fails (an
 * `Object.create(null)`, an object whose `toString` or `message` getter throws, a revoked Proxy)
 * is described by its kind instead. The crash guard and the log lines of the server call it, so
 * that reporting a failure can never become a failure of its own.
 *
 * @example
 * describeThrown(Object.create(null)); // 'a thrown object that cannot be described'
 */
export function describeThrown(error: unknown): string {
  try {
    const described: unknown = describeError(error);
    if (typeof described === 'string') return described;
  } catch {
    // Falls through to the kind of the value, which reads nothing from it.
  }
  return `a thrown ${kindOf(error)} that cannot be described`;
}

function kindOf(value: unknown): string {
  try {
    return value === null ? 'null' : typeof value;
  } catch {
    return 'value';
  }
}
