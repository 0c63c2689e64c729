import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { describeError, kratosTracer, lazyInstruments } from '@kratos-ts/core/internal';
import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type ObservableResult,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import { httpMethodAttribute } from './http-method-attribute.js';
import { createHttpServerInstruments, type HttpServerInstruments } from './http-server-instruments.js';
import { expressRoute } from './request-route.js';
import { TELEMETRY_SCOPE } from './telemetry-scope.js';

/** On a request being traced or measured, its record. */
const RECORD = Symbol('@kratos-ts/http/request-telemetry');

/** One request being traced or measured, from its arrival to the close of its response. */
interface RequestRecord {
  readonly span: Span;
  readonly instruments: HttpServerInstruments | undefined;
  readonly started: number;
  readonly method: string;
  readonly scheme: string;
  readonly server: string;
  /** Its method's count of requests in flight, when it is measured. */
  readonly inFlight: InFlight | undefined;
  /** Set by a router that knows it (Fastify's hook); Express's is read at the end. */
  route: string | undefined;
  /** What the handler threw or rejected with, or its response emitted. */
  error: unknown;
}

type RecordedRequest = IncomingMessage & { [RECORD]?: RequestRecord };

/** The requests of one method in flight on one server, and the attributes they are reported with. */
interface InFlight {
  readonly attributes: Attributes;
  count: number;
}

const SERVER_SPAN: SpanOptions = Object.freeze({ kind: SpanKind.SERVER });

/**
 * The telemetry of one `HttpServer`'s requests (probes and `/metrics` excluded), on
 * `@opentelemetry/api` alone: a SERVER span per request, child of the W3C `traceparent` it
 * carries, named `METHOD route` when the app's router knows the route, else `METHOD`; the handler
 * runs in the span's context, so that what it calls (the HTTP client, a publish) joins the trace.
 * Metrics: `http.server.request.duration` and `http.server.active_requests`.
 *
 * Without an SDK it costs a context extraction, a no-op span and a comparison per request: no
 * listener, no attribute object, no timing.
 */
export class ServerRequestTelemetry {
  readonly #server: string;
  readonly #scheme: string;
  readonly #tracer = kratosTracer(TELEMETRY_SCOPE.name);
  readonly #instruments = lazyInstruments(TELEMETRY_SCOPE.name, (meter) =>
    createHttpServerInstruments(meter, (result) => this.#observeInFlight(result)),
  );
  /** Per method: requests measured from their start, not yet closed. */
  readonly #inFlight = new Map<string, InFlight>();

  /** `server`: the `kratos.server` attribute (the server's name); `scheme`: `http` or `https`. */
  constructor(server: string, scheme: 'http' | 'https') {
    this.#server = server;
    this.#scheme = scheme;
  }

  /** Calls `handle(req, res)` inside the request's span, and measures it until its response closes. */
  run(
    req: IncomingMessage,
    res: ServerResponse,
    handle: (req: IncomingMessage, res: ServerResponse) => void,
  ): void {
    const instruments = this.#instruments();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const method = httpMethodAttribute(req.method);
    const span = this.#tracer.startSpan(method === '_OTHER' ? 'HTTP' : method, SERVER_SPAN, parent);
    if (!span.isRecording() && instruments === undefined) {
      // No SDK: nothing to record. A valid span context is still handed down, so that a trace that
      // was sampled out (or only propagated) stays one trace through the handler's own calls.
      if (span.spanContext() === INVALID_SPAN_CONTEXT) handle(req, res);
      else context.with(trace.setSpan(parent, span), handle, undefined, req, res);
      return;
    }
    let inFlight: InFlight | undefined;
    if (instruments) {
      inFlight = this.#inFlightOf(method);
      inFlight.count += 1;
    }
    if (span.isRecording()) span.setAttributes(this.#spanAttributes(req, method));
    (req as RecordedRequest)[RECORD] = {
      span,
      instruments,
      started: performance.now(),
      method,
      scheme: this.#scheme,
      server: this.#server,
      inFlight,
      route: undefined,
      error: undefined,
    };
    res.on('close', onResponseClose);
    context.with(trace.setSpan(parent, span), handle, undefined, req, res);
  }

  /** The handler failed on `req` (thrown, rejected, or its response emitted an error): its span records it. */
  failed(req: IncomingMessage, error: unknown): void {
    const record = (req as RecordedRequest)[RECORD];
    if (record && record.error === undefined) record.error = error ?? new Error(String(error));
  }

  #inFlightOf(method: string): InFlight {
    let inFlight = this.#inFlight.get(method);
    if (!inFlight) {
      const attributes = {
        'http.request.method': method,
        'url.scheme': this.#scheme,
        'kratos.server': this.#server,
      };
      inFlight = { attributes, count: 0 };
      this.#inFlight.set(method, inFlight);
    }
    return inFlight;
  }

  #observeInFlight(result: ObservableResult): void {
    for (const { count, attributes } of this.#inFlight.values()) result.observe(count, attributes);
  }

  // Few on purpose: a span's attributes are validated one by one and kept in memory until the
  // batch is exported, which an SDK pays for on every request. Add user_agent.original and the like
  // in the app's own middleware (trace.getActiveSpan()) when needed.
  #spanAttributes(req: IncomingMessage, method: string): Attributes {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const attributes: Attributes = {
      'http.request.method': method,
      // Without the query string, which may carry secrets.
      'url.path': query === -1 ? url : url.slice(0, query),
      'url.scheme': this.#scheme,
      'kratos.server': this.#server,
    };
    if (method === '_OTHER' && req.method !== undefined)
      attributes['http.request.method_original'] = req.method;
    const peer = req.socket.remoteAddress;
    if (peer !== undefined) attributes['client.address'] = peer;
    return attributes;
  }
}

/**
 * Tells the request's telemetry the route its router matched (`/users/:id`): the span is renamed
 * `METHOD route` and the metrics get `http.route`. Nothing when the request is not recorded.
 */
export function setRequestRoute(req: IncomingMessage, route: string): void {
  const record = (req as RecordedRequest)[RECORD];
  if (record) record.route = route;
}

// Shared by every response: `this` is the response, its record is on its request.
function onResponseClose(this: ServerResponse): void {
  const record = (this.req as RecordedRequest)[RECORD];
  if (record) finish(record, this);
}

function finish(record: RequestRecord, res: ServerResponse): void {
  const { span, instruments, method } = record;
  const route = record.route ?? expressRoute(res.req);
  const status = res.headersSent ? res.statusCode : undefined;
  const errorType = errorTypeOf(record.error, status, res.writableFinished);
  if (span.isRecording()) {
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (route !== undefined) {
      span.setAttribute('http.route', route);
      span.updateName(`${method === '_OTHER' ? 'HTTP' : method} ${route}`);
    }
    if (record.error !== undefined) recordException(span, record.error);
    if (errorType !== undefined) {
      span.setAttribute('error.type', errorType);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
  if (!instruments) return;
  if (record.inFlight) record.inFlight.count -= 1;
  const attributes: Attributes = {
    'http.request.method': method,
    'url.scheme': record.scheme,
    'kratos.server': record.server,
  };
  if (status !== undefined) attributes['http.response.status_code'] = status;
  if (route !== undefined) attributes['http.route'] = route;
  if (errorType !== undefined) attributes['error.type'] = errorType;
  instruments.duration.record((performance.now() - record.started) / 1000, attributes);
}

/**
 * `error.type`, as OpenTelemetry's conventions define it for a server: the exception's type when
 * the handler failed, the status for a 5xx, `incomplete_response` when the response never ended
 * (the client went away, or the socket was destroyed), nothing for a success or a 4xx.
 */
function errorTypeOf(error: unknown, status: number | undefined, finished: boolean): string | undefined {
  if (error !== undefined) return exceptionType(error);
  if (status !== undefined && status >= 500) return String(status);
  return finished ? undefined : 'incomplete_response';
}

// What a handler throws is anything: reading it must not throw in a 'close' listener.
function exceptionType(error: unknown): string {
  try {
    if (!(error instanceof Error)) return '_OTHER';
    const name: unknown = error.constructor.name;
    return typeof name === 'string' && name !== '' ? name : 'Error';
  } catch {
    return '_OTHER';
  }
}

function recordException(span: Span, error: unknown): void {
  try {
    span.recordException(error instanceof Error ? error : describeError(error));
  } catch {
    // An error whose message or stack getter throws: describe it instead.
    span.recordException(describeError(error));
  }
}
