import {
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { callGuarded, describeError } from '@kratos-ts/core/internal';
import { GrpcWarningCode } from './grpc-warning-codes.js';

/** What was done about a call whose handler failed. */
export type GrpcHandlerFailure =
  /** The call was ended with `INTERNAL` / `Internal server error`. */
  | 'answered'
  /** The handler had already replied (unary, client stream) or ended the stream: nothing more was sent. */
  | 'replied'
  /** The client had cancelled the call (or its deadline passed): there was nobody to answer. */
  | 'cancelled'
  /** The stream was destroyed and no status could be sent: the client waits for its deadline. */
  | 'stranded';

/** Told when a handler threw, or the promise it returned rejected. `path`: `/package.Service/Method`. */
export type GrpcHandlerFailureListener = (error: unknown, path: string, failure: GrpcHandlerFailure) => void;

/**
 * The status a failed handler's call ends with. The details never carry the error's message, which
 * may hold secrets; the error goes to the log.
 */
export const HANDLER_FAILED_STATUS = Object.freeze({
  code: status.INTERNAL,
  details: 'Internal server error',
});

type FinalStatus = { readonly code: status; readonly details: string; readonly metadata: null };
type Handler = (call: unknown, callback?: unknown) => unknown;
type Replying = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => void;
type Streaming = (call: ServerDuplexStream<unknown, unknown>) => void;

/**
 * A copy of `implementation` for `grpc.Server#addService(definition, …)` in which every handler of
 * `definition` is guarded: a synchronous throw or a rejected returned promise ends that call with
 * `INTERNAL` (unary and client-streaming: through the callback, unless the handler already replied;
 * server-streaming and bidi: as the stream's status, unless it already ended) and goes to
 * `onFailure`; it never reaches the process as an uncaught exception or unhandled rejection,
 * whatever was thrown (`Object.create(null)` included). The guard itself never throws: should
 * `onFailure` throw, that goes to a process warning (`KRATOS_GRPC_HANDLER_FAILED`).
 *
 * grpc-js alone answers a synchronous throw with `UNKNOWN` and logs nothing, and ignores the
 * promise an `async` handler returns, so its rejection crashes the process.
 *
 * Methods are looked up as grpc-js does (by name, then by `originalName`) and called with `this`
 * bound to `implementation`. Anything that is not a function is passed on as it is, so grpc-js
 * reports it (or answers `UNIMPLEMENTED` for a missing method) as it would have.
 */
export function guardImplementation(
  definition: ServiceDefinition,
  implementation: object,
  onFailure: GrpcHandlerFailureListener,
): UntypedServiceImplementation {
  if (typeof definition !== 'object' || definition === null) {
    return implementation as UntypedServiceImplementation; // grpc-js rejects it with its own message
  }
  const source = implementation as Record<string, unknown>;
  const guarded: Record<string, unknown> = {};
  const report = neverThrowing(onFailure);
  for (const [name, method] of Object.entries(definition)) {
    let handler = source[name];
    if (handler === undefined && typeof method?.originalName === 'string')
      handler = source[method.originalName];
    if (typeof handler !== 'function' || typeof method?.path !== 'string') {
      guarded[name] = handler;
      continue;
    }
    const bound = (handler as Handler).bind(implementation);
    guarded[name] = method.responseStream
      ? guardStreaming(bound, method.path, report)
      : guardReplying(bound, method.path, report);
  }
  return guarded as UntypedServiceImplementation;
}

/**
 * `onFailure`, except that it never throws: the call is answered already, and a listener that
 * throws (a logger whose destination is gone) must not turn into an uncaught exception.
 */
function neverThrowing(onFailure: GrpcHandlerFailureListener): GrpcHandlerFailureListener {
  return (error, path, failure) => {
    try {
      onFailure(error, path, failure);
    } catch (listenerError) {
      process.emitWarning(
        `The handler-failure listener threw on ${path}: ${describeError(listenerError)}. The handler's own failure: ${describeError(error)} (${failure}).`,
        { code: GrpcWarningCode.HandlerFailed },
      );
    }
  };
}

/** Unary and client-streaming handlers: they answer through `callback`. */
function guardReplying(handler: Handler, path: string, onFailure: GrpcHandlerFailureListener): Replying {
  return (call, callback) => {
    let replied = false;
    const reply: sendUnaryData<unknown> = (...args) => {
      replied = true;
      callback(...args);
    };
    const fail = (error: unknown): void => {
      if (replied) return onFailure(error, path, 'replied');
      if (call.cancelled) return onFailure(error, path, 'cancelled');
      replied = true;
      callback(HANDLER_FAILED_STATUS);
      onFailure(error, path, 'answered');
    };
    callGuarded(() => handler(call, reply), undefined, { failed: fail });
  };
}

/** Server-streaming and bidi handlers: the stream's `error` event sets its status and ends it. */
function guardStreaming(handler: Handler, path: string, onFailure: GrpcHandlerFailureListener): Streaming {
  return (call) => {
    const fail = (error: unknown): void => {
      if (call.writableEnded) return onFailure(error, path, 'replied');
      if (call.cancelled) return onFailure(error, path, 'cancelled');
      if (!call.destroyed)
        call.emit('error', HANDLER_FAILED_STATUS); // sets the status, then ends
      else if (!sendStatusBeneath(call)) return onFailure(error, path, 'stranded');
      onFailure(error, path, 'answered');
    };
    callGuarded(() => handler(call), undefined, { failed: fail });
  };
}

/**
 * A destroyed stream never sends its status (grpc-js sends it from `_final`), and a `for await`
 * over the call that a throw exits destroys it. Sends the status on the grpc-js call beneath it,
 * found by duck typing; `false` when there is none.
 */
function sendStatusBeneath(stream: object): boolean {
  const beneath = (stream as { call?: { sendStatus?: unknown } }).call;
  if (typeof beneath?.sendStatus !== 'function') return false;
  const status: FinalStatus = { ...HANDLER_FAILED_STATUS, metadata: null };
  (beneath.sendStatus as (status: FinalStatus) => void).call(beneath, status);
  return true;
}
