import {
  ServerInterceptingCall,
  status as GrpcStatus,
  type Metadata,
  type Responder,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { kratosTracer, tracingActive } from '@kratos-ts/core/internal';
import { grpcServerInstruments, type GrpcServerInstruments } from './grpc-server-instruments.js';
import { GRPC_TELEMETRY_SCOPE } from './grpc-telemetry-scope.js';
import { METADATA_GETTER } from './metadata-carrier.js';
import { rpcMethod } from './rpc-method.js';

const tracer = kratosTracer(GRPC_TELEMETRY_SCOPE);

// Health checks and reflection are the platform's calls, not the service's work: a probe every few
// seconds would drown the traces, and an open health Watch is not a call in flight.
const UNMEASURED = /^\/grpc\.(health\.v1\.Health|reflection\.)/;

// The codes a server span is an error for (OpenTelemetry's gRPC conventions): the server's fault.
const SERVER_ERRORS: ReadonlySet<number> = new Set([
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

/**
 * The interceptor a `GrpcServer` puts first on its grpc-js server: per call, a SERVER span named
 * `package.Service/Method` whose parent is the `traceparent` of the request metadata, inside which
 * the handler (and every interceptor after this one) runs; `rpc.server.duration` and
 * `rpc.server.active_requests`. While no SDK is registered it hands the call on untouched.
 *
 * @param server The server's name: the `kratos.server` attribute.
 */
export function serverTelemetryInterceptor(server: string): ServerInterceptor {
  return (descriptor, call) => {
    // grpc-js's type asks for its class, but it only calls the interface: handing the call on
    // as it is spares an object per call when there is nothing to record.
    const instruments = grpcServerInstruments();
    const tracing = tracingActive();
    if (instruments === undefined && !tracing) return call as ServerInterceptingCall;
    if (UNMEASURED.test(descriptor.path)) return call as ServerInterceptingCall;
    const measured = new MeasuredCall(server, descriptor.path, call, instruments, tracing);
    return new ServerInterceptingCall(call, measured.responder);
  };
}

/** One call's span and metrics, ended once: at the status, or at the cancellation. */
class MeasuredCall {
  readonly responder: Responder;
  readonly #call: ServerInterceptingCallInterface;
  readonly #instruments: GrpcServerInstruments | undefined;
  readonly #tracing: boolean;
  readonly #attributes: Attributes;
  readonly #name: string;
  #context: Context = ROOT_CONTEXT;
  #span: Span | undefined;
  #startedAt = 0;
  #started = false;
  #ended = false;

  constructor(
    server: string,
    path: string,
    call: ServerInterceptingCallInterface,
    instruments: GrpcServerInstruments | undefined,
    tracing: boolean,
  ) {
    const { name, service, method } = rpcMethod(path);
    this.#name = name;
    this.#call = call;
    this.#instruments = instruments;
    this.#tracing = tracing;
    this.#attributes = {
      'rpc.system': 'grpc',
      'rpc.service': service,
      'rpc.method': method,
      'kratos.server': server,
    };
    const within = this.#within.bind(this);
    this.responder = {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            this.#begin(metadata);
            within(nextMetadata, metadata);
          },
          onReceiveMessage: (message: unknown, nextMessage) => within(nextMessage, message),
          onReceiveHalfClose: (nextHalfClose) => within(nextHalfClose),
          // After every status too (grpc-js notifies it once the call is over): a no-op then.
          onCancel: () => this.#cancelled(),
        }),
      sendStatus: (status, nextStatus) => {
        this.#end(status.code, status.details);
        nextStatus(status);
      },
    };
  }

  /** Runs what comes next (the interceptors after this one, then the handler) in the call's span. */
  #within<A extends unknown[]>(next: (...args: A) => void, ...args: A): void {
    if (this.#span === undefined) next(...args);
    else context.with(this.#context, next, undefined, ...args);
  }

  #begin(metadata: Metadata): void {
    if (this.#started) return;
    this.#started = true;
    this.#startedAt = performance.now();
    this.#instruments?.active.add(1, this.#attributes);
    if (!this.#tracing) return;
    // From the root, not the active context: a call has no business with whatever context the
    // server's sockets were opened in (a lifecycle span).
    const parent = propagation.extract(ROOT_CONTEXT, metadata, METADATA_GETTER);
    const span = tracer.startSpan(
      this.#name,
      { kind: SpanKind.SERVER, attributes: this.#attributes },
      parent,
    );
    this.#span = span;
    this.#context = trace.setSpan(parent, span);
  }

  #cancelled(): void {
    if (this.#ended) return;
    // grpc-js ends a call past its deadline itself, beneath the interceptors: tell it by the clock.
    const deadline = this.#call.getDeadline();
    const expired = deadline !== Infinity && Number(deadline) <= Date.now();
    this.#end(
      expired ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED,
      expired ? 'Deadline exceeded' : 'Cancelled by the client',
    );
  }

  #end(code: number, details: string | undefined): void {
    if (this.#ended || !this.#started) return;
    this.#ended = true;
    const instruments = this.#instruments;
    if (instruments !== undefined) {
      instruments.active.add(-1, this.#attributes);
      instruments.duration.record(performance.now() - this.#startedAt, {
        ...this.#attributes,
        'rpc.grpc.status_code': code,
      });
    }
    const span = this.#span;
    if (span === undefined) return;
    if (span.isRecording()) {
      span.setAttribute('rpc.grpc.status_code', code);
      if (SERVER_ERRORS.has(code)) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `${GrpcStatus[code]}: ${details ?? ''}` });
      }
    }
    span.end();
  }
}
