import type { FailedResponse } from './fail-response.js';

/**
 * The codes of the errors a handler meets when its client closed the connection: reading the body
 * of an aborted upload (`ECONNRESET` "aborted", body parsers' `ECONNABORTED`), piping from or to a
 * closed stream (`ERR_STREAM_PREMATURE_CLOSE`, `ERR_STREAM_DESTROYED`, `EPIPE`), or an `AbortError`
 * of work cancelled because the client left (`ABORT_ERR`).
 */
const CONNECTION_LOST_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ABORT_ERR',
]);

/**
 * The code of a connection loss when `error` is one (see `CONNECTION_LOST_CODES`), else
 * `undefined`. Never throws, whatever `error` is.
 */
export function connectionLostCode(error: unknown): string | undefined {
  try {
    if (typeof error !== 'object' || error === null) return undefined;
    const code: unknown = (error as { code?: unknown }).code;
    return typeof code === 'string' && CONNECTION_LOST_CODES.has(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a handler failed only because its client went away: the connection was already closed
 * when the failure was reported (`outcome` is `'closed'`) and the error is a connection loss. A
 * server fault, such as a database error, is never one, even when the client has left meanwhile.
 */
export function clientWentAway(error: unknown, outcome: FailedResponse): string | undefined {
  return outcome === 'closed' ? connectionLostCode(error) : undefined;
}

/**
 * The debug line of a request its client abandoned:
 * `HTTP server "api": the client went away during POST /upload (ECONNRESET)`.
 */
export function clientWentAwayMessage(server: string, method: string, path: string, code: string): string {
  return `HTTP server "${server}": the client went away during ${method} ${path} (${code})`;
}
