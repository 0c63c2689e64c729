import {
  InterceptingCall,
  status as GrpcStatus,
  type Interceptor,
  type Metadata,
  type StatusObject,
} from '@grpc/grpc-js';
import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { kratosTracer, tracingActive } from '@kratos-ts/core/internal';
import { channelTarget } from './channel-target.js';
import { grpcClientInstruments, type GrpcClientInstruments } from './grpc-client-instruments.js';
import { GRPC_TELEMETRY_SCOPE } from './grpc-telemetry-scope.js';
import { METADATA_SETTER } from './metadata-carrier.js';
import { rpcMethod } from './rpc-method.js';

const tracer = kratosTracer(GRPC_TELEMETRY_SCOPE);

// grpc-js puts it on the response metadata (or the status's, for a trailers-only answer) of a call
// its retry policy sent more than once: the number of attempts before the one that answered.
const PREVIOUS_ATTEMPTS = 'grpc-previous-rpc-attempts';

/**
 * A grpc-js client interceptor that traces each call: a CLIENT span named `package.Service/Method`
 * (a child of the active context, so a call made in a handler joins its trace), whose context goes
 * to the server in the `traceparent` metadata; `rpc.grpc.status_code`, the peer that answered
 * (`network.peer.address`/`.port`), and an error status for any code but OK. Attempts made again
 * by a retry policy (`registerDiscoveryResolver`'s `retry` option, or the channel's own) are
 * counted in `kratos.client.retries` and added to the span as `retry` events (attribute
 * `attempt`), when the answer says how many there were: grpc-js retries beneath the interceptors,
 * so neither the time of each attempt nor the instance it failed on are known. While no
 * OpenTelemetry SDK is registered, calls go through untouched.
 *
 * @example
 * import { credentials } from '@grpc/grpc-js';
 * import { tracingInterceptor } from '@kratos-ts/grpc';
 *
 * const stub = new GreeterClient('discovery:///greeter', credentials.createInsecure(), {
 *   interceptors: [tracingInterceptor()],
 * });
 */
export function tracingInterceptor(): Interceptor {
  return (options, nextCall) => {
    const next = nextCall(options);
    const instruments = grpcClientInstruments();
    const tracing = tracingActive();
    // grpc-js's type asks for its class, but it only calls the interface: handing the call on
    // as it is spares an object per call when there is nothing to record.
    if (instruments === undefined && !tracing) return next as InterceptingCall;
    // Before start, a call's peer is its channel's target.
    const call = new TracedCall(options.method_definition.path, next.getPeer(), instruments, tracing);
    return new InterceptingCall(next, {
      start: (metadata, listener, start) => {
        call.begin(metadata);
        start(metadata, {
          onReceiveMetadata: (received: Metadata, nextMetadata: (metadata: Metadata) => void) => {
            call.retried(received);
            nextMetadata(received);
          },
          onReceiveStatus: (status: StatusObject, nextStatus: (status: StatusObject) => void) => {
            call.retried(status.metadata);
            call.end(status, next.getPeer());
            nextStatus(status);
          },
        });
      },
    });
  };
}

/** One client call's span and retry count. */
class TracedCall {
  readonly #instruments: GrpcClientInstruments | undefined;
  readonly #tracing: boolean;
  readonly #name: string;
  readonly #attributes: Attributes;
  readonly #address: string;
  #span: Span | undefined;
  #retriesCounted = false;

  constructor(
    path: string,
    target: string,
    instruments: GrpcClientInstruments | undefined,
    tracing: boolean,
  ) {
    const { name, service, method } = rpcMethod(path);
    const { address, port } = channelTarget(target);
    this.#name = name;
    this.#address = address;
    this.#instruments = instruments;
    this.#tracing = tracing;
    this.#attributes = {
      'rpc.system': 'grpc',
      'rpc.service': service,
      'rpc.method': method,
      'server.address': address,
      ...(port === undefined ? {} : { 'server.port': port }),
    };
  }

  /** Starts the span in the caller's context and puts its `traceparent` into the metadata. */
  begin(metadata: Metadata): void {
    if (!this.#tracing) return;
    const parent = context.active();
    const span = tracer.startSpan(
      this.#name,
      { kind: SpanKind.CLIENT, attributes: this.#attributes },
      parent,
    );
    this.#span = span;
    // A valid context even when not sampled: the server must know the caller decided not to record.
    if (isSpanContextValid(span.spanContext())) {
      propagation.inject(trace.setSpan(parent, span), metadata, METADATA_SETTER);
    }
  }

  /** Counts the attempts grpc-js made before the one that answered, once per call. */
  retried(metadata: Metadata): void {
    if (this.#retriesCounted) return;
    const [value] = metadata.get(PREVIOUS_ATTEMPTS);
    if (value === undefined) return;
    this.#retriesCounted = true;
    const retries = Number(value);
    if (!Number.isInteger(retries) || retries <= 0) return;
    this.#instruments?.retries.add(retries, { 'kratos.client': 'grpc', 'server.address': this.#address });
    const span = this.#span;
    if (span?.isRecording() !== true) return;
    for (let retry = 1; retry <= retries; retry += 1) span.addEvent('retry', { attempt: retry + 1 });
  }

  end(status: StatusObject, peer: string): void {
    const span = this.#span;
    if (span === undefined) return;
    if (span.isRecording()) {
      span.setAttribute('rpc.grpc.status_code', status.code);
      const answered = channelTarget(peer);
      if (answered.port !== undefined) {
        span.setAttribute('network.peer.address', answered.address);
        span.setAttribute('network.peer.port', answered.port);
      }
      if (status.code !== GrpcStatus.OK) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `${GrpcStatus[status.code]}: ${status.details}`,
        });
      }
    }
    span.end();
  }
}
