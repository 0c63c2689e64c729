import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpHandler } from './http-server-options.js';

/** Told when a handler threw, or when the promise it returned rejected. */
export type HandlerFailureListener = (error: unknown, req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wraps `handler` so that what it throws, or the rejection of the promise it returns, goes to
 * `onFailure` instead of crashing the process (an uncaught exception, or an unhandled rejection
 * under Node's default `--unhandled-rejections=throw`).
 *
 * Cheap on the request path: a `try`/`catch`, and a `.then(undefined, …)` only when the handler
 * returns a thenable. A plain `(req, res) => void` handler or an Express app (which returns
 * nothing and handles its own errors) costs no allocation.
 *
 * @example
 * server.on('request', guardHandler(handler, (error, req, res) => res.destroy()));
 */
export function guardHandler(
  handler: HttpHandler,
  onFailure: HandlerFailureListener,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let result: unknown;
    try {
      result = handler(req, res);
    } catch (error) {
      onFailure(error, req, res);
      return;
    }
    if (
      typeof result === 'object' &&
      result !== null &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      (result as PromiseLike<unknown>).then(undefined, (error: unknown) => onFailure(error, req, res));
    }
  };
}
