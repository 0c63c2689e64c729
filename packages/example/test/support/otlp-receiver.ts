import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { bytesOf, readMessage, stringOf, varintOf, type WireField } from './otlp-wire.js';

/** One span as the receiver decoded it, from OTLP/JSON or OTLP/protobuf alike. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** `''` for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly {
    readonly name: string;
    readonly attributes: Readonly<Record<string, unknown>>;
  }[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  /** The resource the span came with (`service.instance.id`…). */
  readonly resource: Readonly<Record<string, unknown>>;
  /** The instrumentation scope's name (`@kratos-ts/http`). */
  readonly scope: string;
  /** `Date.now()` when the request carrying it arrived. */
  readonly receivedAt: number;
}

/** One metric (its name) as received, with its resource. */
export interface ReceivedMetric {
  readonly name: string;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope: string;
  readonly receivedAt: number;
}

/** What an OTLP/HTTP exporter sent so far. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT`: the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly metrics: ReceivedMetric[];
  /** The content types of the export requests received (`application/json`, `application/x-protobuf`). */
  readonly contentTypes: Set<string>;
  /** Resolves once `test` holds for what was received, checked on every export; rejects at `timeoutMs`. */
  waitFor(test: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 (an OS-chosen port): answers `POST /v1/traces`,
 * `/v1/metrics` and `/v1/logs` with 200 and decodes traces and metrics sent as OTLP/JSON
 * (`http/json`) or OTLP/protobuf (`http/protobuf`, gzip or not).
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const contentTypes = new Set<string>();
  let wake: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then(
      (body) => {
        const receivedAt = Date.now();
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        contentTypes.add(type);
        try {
          if (req.url === '/v1/traces') spans.push(...decodeTraces(type, body, receivedAt));
          else if (req.url === '/v1/metrics') metrics.push(...decodeMetrics(type, body, receivedAt));
        } catch (error) {
          res.writeHead(400).end(String(error));
          return;
        }
        res.writeHead(200, { 'content-type': type }).end(type === 'application/json' ? '{}' : '');
        const waiting = wake;
        wake = [];
        waiting.forEach((w) => w());
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    metrics,
    contentTypes,
    async waitFor(test, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!test()) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`the OTLP receiver did not get what was awaited within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          wake.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

// OTLP/JSON (what the http/json exporters send): ids in hex, attribute values as { stringValue }…
interface JsonKeyValue {
  key: string;
  value: Record<string, unknown>;
}
interface JsonResource {
  attributes?: JsonKeyValue[];
}
interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: JsonKeyValue[];
  events?: { name: string; attributes?: JsonKeyValue[] }[];
  links?: { traceId: string; spanId: string }[];
}

function decodeTraces(type: string, body: Buffer, receivedAt: number): ReceivedSpan[] {
  if (type === 'application/json') {
    const request = JSON.parse(body.toString('utf8')) as {
      resourceSpans?: {
        resource?: JsonResource;
        scopeSpans?: { scope?: { name?: string }; spans?: JsonSpan[] }[];
      }[];
    };
    return (request.resourceSpans ?? []).flatMap((rs) => {
      const resource = jsonAttributes(rs.resource?.attributes);
      return (rs.scopeSpans ?? []).flatMap((ss) =>
        (ss.spans ?? []).map((span) => ({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind,
          attributes: jsonAttributes(span.attributes),
          events: (span.events ?? []).map((e) => ({
            name: e.name,
            attributes: jsonAttributes(e.attributes),
          })),
          links: (span.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
          resource,
          scope: ss.scope?.name ?? '',
          receivedAt,
        })),
      );
    });
  }
  if (type === 'application/x-protobuf') {
    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    return bytesOf(readMessage(body), 1).flatMap((rsBytes) => {
      const rs = readMessage(rsBytes); // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
      const resource = wireAttributes(readMessage(bytesOf(rs, 1)[0] ?? Buffer.alloc(0)), 1);
      return bytesOf(rs, 2).flatMap((ssBytes) => {
        const ss = readMessage(ssBytes); // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
        const scope = stringOf(readMessage(bytesOf(ss, 1)[0] ?? Buffer.alloc(0)), 1);
        return bytesOf(ss, 2).map((spanBytes) => {
          // Span { trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, attributes 9, events 11, links 13 }
          const span = readMessage(spanBytes);
          return {
            traceId: hexOf(span, 1),
            spanId: hexOf(span, 2),
            parentSpanId: hexOf(span, 4),
            name: stringOf(span, 5),
            kind: Number(varintOf(span, 6)),
            attributes: wireAttributes(span, 9),
            // Event { name 2, attributes 3 }; Link { trace_id 1, span_id 2 }
            events: bytesOf(span, 11).map((e) => {
              const event = readMessage(e);
              return { name: stringOf(event, 2), attributes: wireAttributes(event, 3) };
            }),
            links: bytesOf(span, 13).map((l) => {
              const link = readMessage(l);
              return { traceId: hexOf(link, 1), spanId: hexOf(link, 2) };
            }),
            resource,
            scope,
            receivedAt,
          };
        });
      });
    });
  }
  throw new Error(`unsupported content type ${type}`);
}

function decodeMetrics(type: string, body: Buffer, receivedAt: number): ReceivedMetric[] {
  if (type === 'application/json') {
    const request = JSON.parse(body.toString('utf8')) as {
      resourceMetrics?: {
        resource?: JsonResource;
        scopeMetrics?: { scope?: { name?: string }; metrics?: { name: string }[] }[];
      }[];
    };
    return (request.resourceMetrics ?? []).flatMap((rm) => {
      const resource = jsonAttributes(rm.resource?.attributes);
      return (rm.scopeMetrics ?? []).flatMap((sm) =>
        (sm.metrics ?? []).map((m) => ({ name: m.name, resource, scope: sm.scope?.name ?? '', receivedAt })),
      );
    });
  }
  if (type === 'application/x-protobuf') {
    // ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }, ResourceMetrics
    // { resource 1, scope_metrics 2 }, ScopeMetrics { scope 1, metrics 2 }, Metric { name 1 }.
    return bytesOf(readMessage(body), 1).flatMap((rmBytes) => {
      const rm = readMessage(rmBytes);
      const resource = wireAttributes(readMessage(bytesOf(rm, 1)[0] ?? Buffer.alloc(0)), 1);
      return bytesOf(rm, 2).flatMap((smBytes) => {
        const sm = readMessage(smBytes);
        const scope = stringOf(readMessage(bytesOf(sm, 1)[0] ?? Buffer.alloc(0)), 1);
        return bytesOf(sm, 2).map((m) => ({
          name: stringOf(readMessage(m), 1),
          resource,
          scope,
          receivedAt,
        }));
      });
    });
  }
  throw new Error(`unsupported content type ${type}`);
}

function jsonAttributes(list: readonly JsonKeyValue[] | undefined): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) attributes[key] = jsonValue(value);
  return attributes;
}

function jsonValue(value: Record<string, unknown>): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) {
    const values = (value.arrayValue as { values?: Record<string, unknown>[] }).values ?? [];
    return values.map(jsonValue);
  }
  return undefined;
}

/** The KeyValue list under `field` (KeyValue { key 1, AnyValue value 2 }). */
function wireAttributes(fields: readonly WireField[], field: number): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const kvBytes of bytesOf(fields, field)) {
    const kv = readMessage(kvBytes);
    attributes[stringOf(kv, 1)] = wireValue(readMessage(bytesOf(kv, 2)[0] ?? Buffer.alloc(0)));
  }
  return attributes;
}

/** AnyValue { string_value 1, bool_value 2, int_value 3, double_value 4, array_value 5 }. */
function wireValue(value: readonly WireField[]): unknown {
  const [first] = value;
  if (first === undefined) return undefined;
  switch (first.field) {
    case 1:
      return first.kind === 'bytes' ? first.value.toString('utf8') : undefined;
    case 2:
      return first.kind === 'varint' ? first.value !== 0n : undefined;
    case 3:
      return first.kind === 'varint' ? Number(BigInt.asIntN(64, first.value)) : undefined;
    case 4:
      return first.kind === 'fixed64' ? first.value.readDoubleLE(0) : undefined;
    case 5:
      // ArrayValue { repeated AnyValue values = 1; }
      return first.kind === 'bytes'
        ? bytesOf(readMessage(first.value), 1).map((v) => wireValue(readMessage(v)))
        : undefined;
    default:
      return undefined;
  }
}

function hexOf(fields: readonly WireField[], field: number): string {
  return bytesOf(fields, field)[0]?.toString('hex') ?? '';
}
