import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemoryRegistry } from '@kratos-ts/core';
import { createHttpClient, type HttpClient } from '../../src/client.js';
import {
  closeEvery,
  instanceOf,
  orderedSelector,
  refusedPort,
  startNode,
} from '../client/support/test-nodes.js';
import { serve, stopEvery } from '../support/serve.js';
import { installInMemoryTelemetry, type InMemoryTelemetry } from './support/in-memory-telemetry.js';

// The HTTP client's spans and metrics, with a real SDK registered, into real servers on 127.0.0.1.
let telemetry: InMemoryTelemetry;
const clients: HttpClient[] = [];

beforeEach(() => {
  telemetry = installInMemoryTelemetry();
});

afterEach(async () => {
  try {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stopEvery();
    await closeEvery();
  } finally {
    await telemetry.uninstall();
  }
});

/** A client of `greeter` whose instance lists `endpoints`, tried in this order. */
async function clientOf(endpoints: readonly string[]): Promise<HttpClient> {
  const registry = new InMemoryRegistry();
  await registry.register({ ...instanceOf('all', endpoints[0]!), endpoints: [...endpoints] });
  const client = createHttpClient({
    target: 'discovery:///greeter',
    discovery: registry,
    selector: orderedSelector(),
  });
  clients.push(client);
  return client;
}

/** The ended spans of `kind`, once there are `count` of them (a server span ends at its response's close). */
async function spansOf(kind: SpanKind, count: number) {
  for (let tries = 0; tries < 100; tries += 1) {
    const spans = telemetry.spans().filter((span) => span.kind === kind);
    if (spans.length >= count) return spans;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`fewer than ${count} spans of kind ${kind} ended`);
}

describe('the HTTP client traces each request', () => {
  it('a request through the client into an HttpServer is one trace: the CLIENT span is the parent of the SERVER span', async () => {
    let traceparent: string | string[] | undefined;
    const { base } = await serve({
      name: 'greeter',
      handler: (req, res) => {
        traceparent = req.headers.traceparent;
        res.end('hello');
      },
    });
    const client = await clientOf([base]);
    const caller = trace.getTracer('test').startSpan('caller');
    const res = await context.with(trace.setSpan(context.active(), caller), () =>
      client.request({ path: '/hello?name=Ada' }),
    );
    caller.end();
    expect([res.statusCode, res.body.toString()]).toEqual([200, 'hello']);

    const [clientSpan] = await spansOf(SpanKind.CLIENT, 1);
    const [serverSpan] = await spansOf(SpanKind.SERVER, 1);
    const traceId = caller.spanContext().traceId;
    expect(clientSpan!.spanContext().traceId).toBe(traceId);
    expect(clientSpan!.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(serverSpan!.spanContext().traceId).toBe(traceId);
    expect(serverSpan!.parentSpanContext?.spanId).toBe(clientSpan!.spanContext().spanId);
    expect(traceparent).toBe(`00-${traceId}-${clientSpan!.spanContext().spanId}-01`);
    const port = Number(new URL(base).port);
    expect(clientSpan!.name).toBe('GET');
    expect(clientSpan!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/hello',
      'peer.service': 'greeter',
      'server.address': '127.0.0.1',
      'server.port': port,
      'url.full': `${base}/hello`,
      'http.response.status_code': 200,
    });
    expect(clientSpan!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('retries are events "retry" (attempt, reason, node) on the one span, and count in kratos.client.retries', async () => {
    const refused = `http://127.0.0.1:${await refusedPort()}`;
    const node = await startNode('b');
    const client = await clientOf([refused, node.endpoint]);
    const res = await client.request({ path: '/hello' });
    expect([res.statusCode, res.node]).toEqual([200, node.endpoint]);

    const spans = await spansOf(SpanKind.CLIENT, 1);
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span!.events.map((event) => event.name)).toEqual(['retry']);
    const retry = span!.events[0]!.attributes!;
    expect(retry.attempt).toBe(1);
    expect(retry.node).toBe(refused);
    expect(String(retry.reason)).toContain('ECONNREFUSED');
    expect(span!.attributes['http.request.resend_count']).toBe(1);
    expect(span!.attributes['server.port']).toBe(node.port);

    expect(await telemetry.sum('kratos.client.retries')).toEqual([
      { attributes: { 'kratos.client': 'http', 'server.address': '127.0.0.1' }, value: 1 },
    ]);
    const durations = await telemetry.histogram('http.client.request.duration');
    const byPort = durations.map(({ attributes, count }) => [attributes['server.port'], attributes, count]);
    expect(byPort).toEqual(
      expect.arrayContaining([
        [
          Number(new URL(refused).port),
          {
            'http.request.method': 'GET',
            'server.address': '127.0.0.1',
            'server.port': Number(new URL(refused).port),
            'error.type': 'ECONNREFUSED',
          },
          1,
        ],
        [
          node.port,
          {
            'http.request.method': 'GET',
            'server.address': '127.0.0.1',
            'server.port': node.port,
            'http.response.status_code': 200,
          },
          1,
        ],
      ]),
    );
    expect(durations).toHaveLength(2);
  });

  it('a request that fails: its span records the KratosError, its code as error.type and an ERROR status', async () => {
    const refused = `http://127.0.0.1:${await refusedPort()}`;
    const client = await clientOf([refused]);
    const failure = await client.request({ method: 'POST', path: '/orders', body: 'x' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeDefined();
    const [span] = await spansOf(SpanKind.CLIENT, 1);
    expect(span!.name).toBe('POST');
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('KRATOS_HTTP_CLIENT_REQUEST_FAILED');
    expect(span!.events.map((event) => event.name)).toContain('exception');
  });

  it('stream(): the span ends once the body was read', async () => {
    const node = await startNode('a', (req, res) => {
      req.resume();
      res.write('part 1, ');
      setTimeout(() => res.end('part 2'), 30);
    });
    const client = await clientOf([node.endpoint]);
    const res = await client.stream({ path: '/export' });
    expect(telemetry.spans().filter((span) => span.kind === SpanKind.CLIENT)).toHaveLength(0);
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('part 1, part 2');
    const [span] = await spansOf(SpanKind.CLIENT, 1);
    expect(span!.attributes['http.response.status_code']).toBe(200);
  });
});
