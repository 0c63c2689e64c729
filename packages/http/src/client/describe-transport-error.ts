import { codeOf } from './retry-policy.js';

/**
 * A transport error as a client message quotes it: its message, prefixed with its code
 * (`ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1`) unless the message already holds it, as a
 * clause: without a final period, since the message goes on after it (a KratosError's message, and
 * many of undici's, end with one). Duck-typed: errors of Node's core may come from another realm (a
 * VM context, as under jest).
 */
export function describeTransportError(error: unknown): string {
  const { message, name } = (typeof error === 'object' && error !== null ? error : {}) as Partial<Error>;
  if (typeof message !== 'string') return withoutFinalPeriod(String(error));
  const text = withoutFinalPeriod(message) || (typeof name === 'string' ? name : 'error');
  const code = codeOf(error);
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}

// One period only: an ellipsis ('...') keeps two, which read as an ellipsis once the message's own
// period follows.
function withoutFinalPeriod(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}
