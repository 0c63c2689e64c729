import type { Readable } from 'node:stream';
import { isKratosError, redact } from '@kratos-ts/core';
import { describeError, kratosTracer, lazyInstruments } from '@kratos-ts/core/internal';
import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import { createHttpClientInstruments, type HttpClientInstruments } from './http-client-instruments.js';
import { httpMethodAttribute } from './http-method-attribute.js';
import { TELEMETRY_SCOPE } from './telemetry-scope.js';

/** A node's address as the attributes name it: `server.address` and `server.port`. */
interface NodeAddress {
  readonly address: string;
  readonly port: number;
}

/** What an attempt came to, for its `http.client.request.duration` value. */
export type AttemptOutcome =
  | { readonly statusCode: number; readonly error?: undefined }
  | { readonly statusCode?: undefined; readonly error: unknown };

const CLIENT_SPAN: SpanOptions = Object.freeze({ kind: SpanKind.CLIENT });
/** Past this many endpoints the address cache starts over: nodes churn over a long life. */
const MAX_CACHED_ADDRESSES = 512;

/**
 * The telemetry of one HTTP client, on `@opentelemetry/api` alone: a CLIENT span per request (all
 * its attempts), in the caller's context, whose W3C `traceparent` goes out in the request's
 * headers; each retry is an event `retry` on it (`attempt`, `reason`, `node`) and counts in
 * `kratos.client.retries`; each attempt is a value of `http.client.request.duration`.
 *
 * Without an SDK a request costs a no-op span and a comparison: no header, no attribute object.
 */
export class ClientTelemetry {
  readonly #service: string;
  readonly #tracer = kratosTracer(TELEMETRY_SCOPE.name);
  readonly #instruments = lazyInstruments(TELEMETRY_SCOPE.name, createHttpClientInstruments);
  readonly #addresses = new Map<string, NodeAddress>();

  /** `service`: the client's target, as its spans name it (`peer.service`). */
  constructor(service: string) {
    this.#service = service;
  }

  /**
   * Starts the span of one request and injects its context into `headers` (the request's own
   * copy). `undefined` when there is nothing to record (no SDK); the context is still passed on
   * when the caller's trace is only propagated.
   */
  begin(
    method: string,
    path: string,
    headers: Record<string, string | string[]>,
  ): ClientRequestTelemetry | undefined {
    const instruments = this.#instruments();
    const parent = context.active();
    const methodAttribute = httpMethodAttribute(method);
    const span = this.#tracer.startSpan(
      methodAttribute === '_OTHER' ? 'HTTP' : methodAttribute,
      CLIENT_SPAN,
      parent,
    );
    const recording = span.isRecording();
    if (recording || span.spanContext() !== INVALID_SPAN_CONTEXT) {
      propagation.inject(trace.setSpan(parent, span), headers);
    }
    if (!recording && instruments === undefined) return undefined;
    const query = path.indexOf('?');
    // Without the query string, which may carry secrets.
    const bare = query === -1 ? path : path.slice(0, query);
    if (recording) {
      span.setAttributes({
        'http.request.method': methodAttribute,
        'url.path': bare,
        'peer.service': this.#service,
      });
    }
    return new ClientRequestTelemetry(this, span, instruments, methodAttribute, bare);
  }

  /** `server.address` and `server.port` of an endpoint (`http://10.0.0.5:8000`), parsed once. */
  address(endpoint: string): NodeAddress {
    let known = this.#addresses.get(endpoint);
    if (known) return known;
    if (this.#addresses.size >= MAX_CACHED_ADDRESSES) this.#addresses.clear();
    known = parseAddress(endpoint);
    this.#addresses.set(endpoint, known);
    return known;
  }
}

/** The telemetry of one request in flight: its span and the instruments it started with. */
export class ClientRequestTelemetry {
  readonly #client: ClientTelemetry;
  readonly #span: Span;
  readonly #instruments: HttpClientInstruments | undefined;
  readonly #method: string;
  readonly #path: string;
  #ended = false;

  /** Made by `ClientTelemetry.begin`; `path` is without its query string. */
  constructor(
    client: ClientTelemetry,
    span: Span,
    instruments: HttpClientInstruments | undefined,
    method: string,
    path: string,
  ) {
    this.#client = client;
    this.#span = span;
    this.#instruments = instruments;
    this.#method = method;
    this.#path = path;
  }

  /** One attempt on `endpoint` took `seconds` and came to `outcome`: one `http.client.request.duration` value. */
  attempted(endpoint: string, seconds: number, outcome: AttemptOutcome): void {
    const instruments = this.#instruments;
    if (!instruments) return;
    const { address, port } = this.#client.address(endpoint);
    const attributes: Attributes = {
      'http.request.method': this.#method,
      'server.address': address,
      'server.port': port,
    };
    if (outcome.statusCode !== undefined) {
      attributes['http.response.status_code'] = outcome.statusCode;
      if (outcome.statusCode >= 400) attributes['error.type'] = String(outcome.statusCode);
    } else attributes['error.type'] = errorType(outcome.error);
    instruments.duration.record(seconds, attributes);
  }

  /** Attempt number `attempt` on `endpoint` failed for `reason` and the request goes on to another. */
  retrying(attempt: number, endpoint: string, reason: string): void {
    const node = redact(endpoint);
    if (this.#span.isRecording()) this.#span.addEvent('retry', { attempt, reason: redact(reason), node });
    this.#instruments?.retries.add(1, {
      'kratos.client': 'http',
      'server.address': this.#client.address(endpoint).address,
    });
  }

  /**
   * The request was answered by `endpoint` after `attempts` attempts. A streamed `body` ends the
   * span once it closes (read to its end, destroyed, or failed).
   */
  answered(statusCode: number, endpoint: string, attempts: number, body?: Readable): void {
    const span = this.#span;
    if (span.isRecording()) {
      this.#setNode(endpoint, attempts);
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 400) {
        span.setAttribute('error.type', String(statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    if (body && !body.destroyed) {
      body.once('close', () => {
        const error: unknown = body.errored;
        if (error && span.isRecording()) this.#recordError(error);
        this.#end();
      });
    } else this.#end();
  }

  /** The request failed with `error` (the client's `KratosError`), its last attempt on `endpoint` if any. */
  failed(error: unknown, endpoint: string | undefined, attempts: number): void {
    if (this.#span.isRecording()) {
      if (endpoint !== undefined) this.#setNode(endpoint, attempts);
      this.#recordError(error);
    }
    this.#end();
  }

  #setNode(endpoint: string, attempts: number): void {
    const { address, port } = this.#client.address(endpoint);
    this.#span.setAttributes({
      'server.address': address,
      'server.port': port,
      'url.full': redact(endpoint + this.#path),
    });
    if (attempts > 1) this.#span.setAttribute('http.request.resend_count', attempts - 1);
  }

  #recordError(error: unknown): void {
    const span = this.#span;
    span.recordException(error instanceof Error ? error : describeError(error));
    span.setAttribute('error.type', errorType(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#span.end();
  }
}

/** `error.type`: a `KratosError`'s code, a transport error's code (`ECONNREFUSED`), else its class. */
function errorType(error: unknown): string {
  if (isKratosError(error)) return error.code;
  if (typeof error !== 'object' || error === null) return '_OTHER';
  const { code, kind } = error as { code?: unknown; kind?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  // A stopped attempt (`Stop`): timeout, aborted or closed.
  if (typeof kind === 'string' && kind !== '') return kind;
  const name: unknown = (error as Error).name;
  return typeof name === 'string' && name !== '' ? name : '_OTHER';
}

function parseAddress(endpoint: string): NodeAddress {
  try {
    const url = new URL(endpoint);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    // An IPv6 host keeps its brackets in a URL; the attribute is the bare address.
    return { address: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  } catch {
    return { address: endpoint, port: 0 };
  }
}
