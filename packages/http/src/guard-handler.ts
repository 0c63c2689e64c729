import type { IncomingMessage, ServerResponse } from 'node:http';
import { callGuarded, type GuardedCallOutcome } from '@kratos-ts/core/internal';
import type { HttpHandler } from './http-server-options.js';

/** Told when a handler threw, when the promise it returned rejected, or when its response emitted an error. */
export type HandlerFailureListener = (error: unknown, req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wraps `handler` so that what it throws, the rejection of the promise it returns, and an `error`
 * its response emits (a write after `end()`: `ERR_STREAM_WRITE_AFTER_END`) go to `onFailure`
 * instead of crashing the process (an uncaught exception, or an unhandled rejection under Node's
 * default `--unhandled-rejections=throw`). A response error that another listener also receives
 * (the handler's own, `stream.pipeline`'s) is left to it. The request needs no such listener: Node
 * emits a request's errors only when the application listens for them.
 *
 * The wrapper itself never throws and never leaves a rejection unhandled, whatever was thrown (an
 * `Object.create(null)`, a thenable whose `then` throws): when `onFailure` throws in turn, the
 * response is destroyed, so the client sees it cut rather than waiting, and serving goes on.
 *
 * The handler is called with `res.req` as its request: Node sets it to the request `res` answers.
 *
 * Cheap on the request path: one shared `error` listener on the response (about 12 ns), a
 * `try`/`catch`, and a `.then(undefined, …)` only when the handler returns a thenable. A plain
 * `(req, res) => void` handler or an Express app (which returns nothing and handles its own errors)
 * costs no allocation.
 *
 * @example
 * server.on('request', guardHandler(handler, (error, req, res) => res.destroy()));
 */
export function guardHandler(
  handler: HttpHandler,
  onFailure: HandlerFailureListener,
): (req: IncomingMessage, res: ServerResponse) => void {
  const onResponseError = function (this: ServerResponse, error: unknown): void {
    if (this.listenerCount('error') > 1) return;
    report(onFailure, error, this.req, this);
  };
  // Made once per server: the response is the call's context (`res.req` is its request).
  const run = (res: ServerResponse): unknown => handler(res.req, res);
  const outcome: GuardedCallOutcome<ServerResponse> = {
    failed: (error, res) => report(onFailure, error, res.req, res),
  };
  return (_req, res) => {
    res.on('error', onResponseError);
    callGuarded(run, res, outcome);
  };
}

/** Calls `onFailure`; if reporting fails too, cuts the response: the guard must not throw. */
function report(
  onFailure: HandlerFailureListener,
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  try {
    onFailure(error, req, res);
  } catch {
    // Nothing is left to report with; a cut response at least tells the client it failed.
    try {
      res.destroy();
    } catch {
      // A response that cannot even be destroyed is closed with its socket.
    }
  }
}
