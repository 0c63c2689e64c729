import { describeError } from '@kratos-ts/core/internal';
import type { FailedResponse } from './fail-response.js';

/** A request target without its query string (which may carry tokens): `/a/b?x=1` → `/a/b`. */
export function requestPath(url: string | undefined): string {
  if (url === undefined) return '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

const AFTERMATH: Readonly<Record<FailedResponse, string>> = {
  answered: 'answered 500',
  destroyed: 'its headers were already sent, so the response was cut (socket destroyed)',
  ended: 'the response had already ended',
  closed: 'the connection was already closed',
};

/**
 * The log line of a failed handler: `HTTP server "api": handler failed on GET /users: boom; answered 500`.
 */
export function handlerFailureMessage(
  server: string,
  method: string,
  path: string,
  error: unknown,
  outcome: FailedResponse,
): string {
  return `HTTP server "${server}": handler failed on ${method} ${path}: ${describeError(error)}; ${AFTERMATH[outcome]}`;
}
