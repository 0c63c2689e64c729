import type { ServerResponse } from 'node:http';

/** What `failResponse` could do with the response of a failed handler. */
export type FailedResponse =
  /** Nothing was sent yet: it was answered `500 Internal Server Error`. */
  | 'answered'
  /** Its headers were already sent: the response (its socket) was destroyed, so the client sees it cut. */
  | 'destroyed'
  /** The handler had ended it already: it was left to finish. */
  | 'ended'
  /** Its connection was already closed: there was nobody to answer. */
  | 'closed';

const BODY = Buffer.from('Internal Server Error\n');

/**
 * Answers the request of a handler that failed as well as can still be done: a plain-text
 * `500 Internal Server Error` when nothing was sent yet (the headers the handler had set are
 * dropped, except `Connection`, which a draining server sets; the error itself is never shown, it
 * may hold secrets), else destroys the response so the client sees it incomplete rather than
 * taking a truncated body for a whole one.
 */
export function failResponse(res: ServerResponse, method: string | undefined): FailedResponse {
  if (res.writableEnded) return 'ended';
  if (res.destroyed) return 'closed';
  if (res.headersSent) {
    res.destroy();
    return 'destroyed';
  }
  for (const name of res.getHeaderNames()) if (name !== 'connection') res.removeHeader(name);
  res.writeHead(500, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': BODY.length,
    'cache-control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : BODY);
  return 'answered';
}
