import { Readable } from 'node:stream';
import { util, type Dispatcher } from 'undici';
import type { StopSignal } from './request-stop.js';
import type { ResolvedHttpRequest } from './resolve-http-request.js';

/** What one attempt on one node came to. Never a rejection: failures are outcomes too. */
export type AttemptResult =
  | {
      /** A complete response, its body read in full (at most `maxResponseBytes`). */
      readonly kind: 'response';
      readonly statusCode: number;
      readonly headers: Record<string, string | string[]>;
      readonly body: Buffer;
    }
  | {
      /** A response whose body is being streamed (`streamBody` said so for its status). */
      readonly kind: 'stream';
      readonly statusCode: number;
      readonly headers: Record<string, string | string[]>;
      readonly body: Readable;
    }
  | {
      /** The body went (or its content-length said it would go) past `maxResponseBytes`: aborted. */
      readonly kind: 'too-large';
      readonly statusCode: number;
      /** The bytes received when it was aborted, or the content-length that was refused. */
      readonly received: number;
      readonly declared: boolean;
    }
  | {
      readonly kind: 'failure';
      readonly error: unknown;
      /** The request had been written in full to the socket (`onRequestSent`) before it failed. */
      readonly written: boolean;
    };

/** How an attempt reads its response. */
export interface AttemptOptions {
  /** The most body bytes read into memory; past it the response is aborted. Default unlimited. */
  readonly maxResponseBytes?: number;
  /** `true` for the statuses whose body is handed over as a stream instead of read. Default none. */
  readonly streamBody?: (statusCode: number) => boolean;
  /** The error a streamed body is destroyed with when the attempt stops or fails under it. */
  readonly bodyError?: (cause: unknown) => Error;
}

const NO_OPTIONS: AttemptOptions = {};

/**
 * Sends `request` through `dispatcher` (a node's pool) and reads the response: in full, or, for
 * the statuses `streamBody` picks, as a `Readable` handed over at the headers (with backpressure:
 * undici stops reading the socket while the consumer does not read).
 *
 * Uses undici's dispatch handler rather than `request()`, to learn how far the request got:
 * `onConnect` is called when a connection takes the request, right before it is written;
 * `onRequestSent` once headers and body have been handed to the socket. A failure before
 * `onRequestSent` (connection refused, connect timeout, a socket closed while the request was
 * queued) means the server cannot have acted on it. This is undici's legacy handler interface:
 * handlers with the newer `onRequestStart` are wrapped in an adapter that drops `onRequestSent`.
 *
 * When `stop` aborts, the attempt ends at once as a failure whose error is the stop's reason (a
 * streamed body is destroyed with `bodyError(reason)`); a request still queued for a connection
 * is aborted as soon as one takes it. Destroying a streamed body before its end aborts the
 * response, which frees its connection.
 */
export function dispatchAttempt(
  dispatcher: Dispatcher,
  request: ResolvedHttpRequest,
  stop: StopSignal,
  options: AttemptOptions = NO_OPTIONS,
): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    const maxBytes = options.maxResponseBytes ?? Number.POSITIVE_INFINITY;
    let written = false;
    let settled = false;
    let complete = false;
    let abortRequest: ((error?: Error) => void) | undefined;
    let statusCode = 0;
    let headers: Record<string, string | string[]> = {};
    let received = 0;
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let body: Readable | undefined;
    let resume: (() => void) | undefined;
    // The streamed body has been ended or failed by the response itself (not by its consumer).
    let bodyEnded = false;

    const reasonOf = (): Error =>
      stop.reason instanceof Error ? stop.reason : new Error('aborted', { cause: stop.reason });
    const settle = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      // A streamed body still needs to hear of a stop: its end removes the listener.
      if (!body) stop.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const endBody = (error?: Error): void => {
      bodyEnded = true;
      stop.removeEventListener('abort', onAbort);
      if (error) body?.destroy(error);
      else body?.push(null);
    };
    function onAbort(): void {
      // Settle first: the abort below calls onError synchronously, which must not win.
      settle({ kind: 'failure', error: stop.reason, written });
      if (body && !bodyEnded) endBody(options.bodyError ? options.bodyError(stop.reason) : reasonOf());
      abortRequest?.(reasonOf());
    }
    const tooLarge = (declared: boolean): void => {
      settle({ kind: 'too-large', statusCode, received, declared });
      abortRequest?.(new Error(`response body past ${maxBytes} bytes`));
    };
    if (stop.aborted) {
      settle({ kind: 'failure', error: stop.reason, written: false });
      return;
    }
    stop.addEventListener('abort', onAbort);

    const handler: Dispatcher.DispatchHandler & { onRequestSent(): void } = {
      onConnect(abort) {
        abortRequest = abort;
        if (settled) abort(reasonOf());
      },
      onRequestSent() {
        written = true;
      },
      onHeaders(status, rawHeaders, resumeReading) {
        // 1xx informational responses come before the final one: skip them.
        if (status < 200) return true;
        statusCode = status;
        headers = util.parseHeaders(rawHeaders);
        if (options.streamBody?.(status)) {
          resume = resumeReading;
          body = new Readable({
            read: () => resume?.(),
            destroy: (error, callback) => {
              // The consumer gave up before the end: abort the response, freeing its connection.
              if (!complete && !bodyEnded) abortRequest?.(error ?? new Error('response body destroyed'));
              stop.removeEventListener('abort', onAbort);
              callback(error);
            },
          });
          // An unread body that fails must not crash the process with an unhandled 'error': the
          // consumer still gets the error (iteration rejects, its own 'error' listeners run).
          body.on('error', ignore);
          settle({ kind: 'stream', statusCode, headers, body });
          return true;
        }
        const length = headers['content-length'];
        if (typeof length === 'string' && Number(length) > maxBytes) {
          received = Number(length);
          tooLarge(true);
          return false;
        }
        return true;
      },
      onData(chunk) {
        if (settled && !body) return false;
        if (body) return body.push(chunk);
        received += chunk.length;
        if (received > maxBytes) {
          tooLarge(false);
          return false;
        }
        // Most bodies are one chunk: keep it as is, no copy.
        if (!first) first = chunk;
        else (chunks ??= [first]).push(chunk);
        return true;
      },
      onComplete() {
        complete = true;
        if (body) {
          endBody();
          return;
        }
        const all = chunks ? Buffer.concat(chunks, received) : (first ?? EMPTY);
        settle({ kind: 'response', statusCode, headers, body: all });
      },
      onError(error) {
        if (body && !bodyEnded) endBody(options.bodyError ? options.bodyError(error) : error);
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

const EMPTY = Buffer.alloc(0);
const ignore = (): void => undefined;
