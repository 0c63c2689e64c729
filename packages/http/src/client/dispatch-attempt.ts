import { util, type Dispatcher } from 'undici';
import type { ResolvedHttpRequest } from './resolve-http-request.js';

/** What one attempt on one node came to. Never a rejection: failures are outcomes too. */
export type AttemptResult =
  | {
      readonly kind: 'response';
      readonly statusCode: number;
      readonly headers: Record<string, string | string[]>;
      readonly body: Buffer;
    }
  | {
      readonly kind: 'failure';
      readonly error: unknown;
      /** The request had been written in full to the socket (`onRequestSent`) before it failed. */
      readonly written: boolean;
    };

/**
 * Sends `request` through `dispatcher` (a node's pool) and reads the whole response.
 *
 * Uses undici's dispatch handler rather than `request()`, to learn how far the request got:
 * `onConnect` is called when a connection takes the request, right before it is written;
 * `onRequestSent` once headers and body have been handed to the socket. A failure before
 * `onRequestSent` (connection refused, connect timeout, a socket closed while the request was
 * queued) means the server cannot have acted on it. This is undici's legacy handler interface:
 * handlers with the newer `onRequestStart` are wrapped in an adapter that drops `onRequestSent`.
 *
 * When `signal` aborts, the attempt ends at once as a failure whose error is the signal's reason;
 * a request still queued for a connection is aborted as soon as one takes it.
 */
export function dispatchAttempt(
  dispatcher: Dispatcher,
  request: ResolvedHttpRequest,
  signal: AbortSignal,
): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    let written = false;
    let settled = false;
    let abortRequest: ((error?: Error) => void) | undefined;
    let statusCode = 0;
    let headers: Record<string, string | string[]> = {};
    const chunks: Buffer[] = [];

    const settle = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const reasonOf = (): Error =>
      signal.reason instanceof Error ? signal.reason : new Error('aborted', { cause: signal.reason });
    function onAbort(): void {
      // Settle first: the abort below calls onError synchronously, which must not win.
      settle({ kind: 'failure', error: signal.reason, written });
      abortRequest?.(reasonOf());
    }
    if (signal.aborted) {
      settle({ kind: 'failure', error: signal.reason, written: false });
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler & { onRequestSent(): void } = {
      onConnect(abort) {
        abortRequest = abort;
        if (settled) abort(reasonOf());
      },
      onRequestSent() {
        written = true;
      },
      onHeaders(status, rawHeaders) {
        // 1xx informational responses come before the final one: skip them.
        if (status < 200) return true;
        statusCode = status;
        headers = util.parseHeaders(rawHeaders);
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        settle({ kind: 'response', statusCode, headers, body: Buffer.concat(chunks) });
      },
      onError(error) {
        settle({ kind: 'failure', error, written });
      },
    };

    dispatcher.dispatch(
      {
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        // The client's deadline bounds the whole request; undici's own timers would only cut it
        // shorter with a less helpful error.
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      handler,
    );
  });
}
