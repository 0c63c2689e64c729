import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { fakeKernelView, recordingLogger } from '@kratos-ts/testing';
import { HttpServer } from '../../src/index.js';
import { get } from '../support/http-client.js';
import { never, serve, stopEvery } from '../support/serve.js';
import { installInMemoryTelemetry, type InMemoryTelemetry } from './support/in-memory-telemetry.js';

// The HTTP server's spans and metrics, with a real SDK registered and real sockets on 127.0.0.1.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;

let telemetry: InMemoryTelemetry;
const apps: FastifyInstance[] = [];

beforeEach(() => {
  telemetry = installInMemoryTelemetry();
});

afterEach(async () => {
  try {
    await stopEvery();
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
  } finally {
    await telemetry.uninstall();
  }
});

/** The spans ended so far, once the one for `count` requests have all ended (they end at the response's close). */
async function serverSpans(count: number) {
  for (let tries = 0; tries < 100; tries += 1) {
    const spans = telemetry.spans().filter((span) => span.kind === SpanKind.SERVER);
    if (spans.length >= count) return spans;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`fewer than ${count} server spans ended: ${telemetry.spans().length}`);
}

describe('HttpServer traces each request', () => {
  it('a request with a traceparent: its SERVER span is a child of that trace, and the handler runs in its context', async () => {
    let activeInHandler: string | undefined;
    const { base } = await serve({
      name: 'api',
      handler: (_req, res) => {
        activeInHandler = trace.getSpan(context.active())?.spanContext().spanId;
        res.end('hello');
      },
    });
    const reply = await get(`${base}/hello?secret=1`, {
      agent: false,
      headers: { traceparent: TRACEPARENT },
    });
    expect([reply.status, reply.body]).toEqual([200, 'hello']);

    const [span] = await serverSpans(1);
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(span!.parentSpanContext?.isRemote).toBe(true);
    expect(activeInHandler).toBe(span!.spanContext().spanId);
    expect(span!.name).toBe('GET');
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/hello',
      'url.scheme': 'http',
      'kratos.server': 'api',
      'http.response.status_code': 200,
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a request without a traceparent starts a trace of its own', async () => {
    const { base } = await serve({ handler: (_req, res) => res.end('ok') });
    await get(`${base}/`, { agent: false });
    const [span] = await serverSpans(1);
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.spanContext().traceId).not.toBe(TRACE_ID);
  });

  it('Express: the span is named METHOD route and carries http.route (the pattern, not the path)', async () => {
    const app = express();
    const users = express.Router();
    users.get('/:id', (req, res) => {
      res.send(`user ${req.params.id}`);
    });
    app.use('/users', users);
    app.get('/items/:item', (_req, res) => {
      res.send('item');
    });
    const { base } = await serve({ handler: app });
    await get(`${base}/items/42`, { agent: false });
    await get(`${base}/users/7`, { agent: false });
    await get(`${base}/nowhere`, { agent: false });
    const spans = await serverSpans(3);
    expect(spans.map((span) => [span.name, span.attributes['http.route']])).toEqual([
      ['GET /items/:item', '/items/:item'],
      ['GET /users/:id', '/users/:id'],
      ['GET', undefined],
    ]);
  });

  it('Fastify: the span is named METHOD route (request.routeOptions.url), also for a route declared before the server got the app', async () => {
    const app = Fastify();
    apps.push(app);
    app.get('/orders/:id', () => ({ ok: true }));
    const { base, server } = await serve({ handler: app });
    const reply = await get(`${base}/orders/9`, { agent: false });
    expect(reply.status).toBe(200);
    await get(`${base}/missing`, { agent: false });
    const spans = await serverSpans(2);
    expect(
      spans.map((span) => [
        span.name,
        span.attributes['http.route'],
        span.attributes['http.response.status_code'],
      ]),
    ).toEqual([
      ['GET /orders/:id', '/orders/:id', 200],
      ['GET', undefined, 404],
    ]);
    await server.stop(never());
  });

  it('Fastify app already booted when given: no route hook can be added; spans name the method alone, and a debug line says why', async () => {
    const app = Fastify();
    apps.push(app);
    app.get('/orders/:id', () => ({ ok: true }));
    await app.ready();
    const logger = recordingLogger();
    const server = new HttpServer({ handler: app, host: '127.0.0.1', port: 0, name: 'shop' });
    server.attachKernel(fakeKernelView({ logger }));
    await server.start(never());
    const reply = await get(`${server.endpoint()}/orders/9`, { agent: false });
    expect(reply.status).toBe(200);
    const [span] = await serverSpans(1);
    expect([span!.name, span!.attributes['http.route']]).toEqual(['GET', undefined]);
    expect(logger.messages('debug').filter((message) => message.includes('already booted'))).toHaveLength(1);
    await server.stop(never());
  });

  it('a handler that throws: its span records the exception, error.type and an ERROR status; the request is answered 500', async () => {
    const { base } = await serve({
      handler: () => {
        throw new RangeError('boom');
      },
    });
    const reply = await get(`${base}/fail`, { agent: false });
    expect(reply.status).toBe(500);
    const [span] = await serverSpans(1);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('RangeError');
    expect(span!.attributes['http.response.status_code']).toBe(500);
    expect(span!.events.map((event) => [event.name, event.attributes?.['exception.message']])).toEqual([
      ['exception', 'boom'],
    ]);
  });

  it('a 5xx the handler answers itself is an error; a 4xx is not (server side)', async () => {
    const { base } = await serve({
      handler: (req, res) => {
        res.statusCode = req.url === '/missing' ? 404 : 503;
        res.end();
      },
    });
    await get(`${base}/missing`, { agent: false });
    await get(`${base}/down`, { agent: false });
    const spans = await serverSpans(2);
    expect(spans.map((span) => [span.status.code, span.attributes['error.type']])).toEqual([
      [SpanStatusCode.UNSET, undefined],
      [SpanStatusCode.ERROR, '503'],
    ]);
  });

  it('probes are not traced', async () => {
    const { base } = await serve({ handler: (_req, res) => res.end('ok') });
    await get(`${base}/readyz`, { agent: false });
    await get(`${base}/livez`, { agent: false });
    await get(`${base}/work`, { agent: false });
    const spans = await serverSpans(1);
    expect(spans.map((span) => span.attributes['url.path'])).toEqual(['/work']);
  });
});

describe('HttpServer measures each request', () => {
  it('http.server.request.duration with method, status, route, scheme and server; http.server.active_requests back to 0', async () => {
    const app = express();
    app.get('/items/:item', (_req, res) => {
      res.send('item');
    });
    const { base } = await serve({ name: 'shop', handler: app });
    await get(`${base}/items/1`, { agent: false });
    await get(`${base}/items/2`, { agent: false });
    await get(`${base}/elsewhere`, { agent: false });
    await serverSpans(3);

    const durations = await telemetry.histogram('http.server.request.duration');
    expect(durations.map(({ attributes, count }) => ({ attributes, count }))).toEqual([
      {
        attributes: {
          'http.request.method': 'GET',
          'url.scheme': 'http',
          'kratos.server': 'shop',
          'http.response.status_code': 200,
          'http.route': '/items/:item',
        },
        count: 2,
      },
      {
        attributes: {
          'http.request.method': 'GET',
          'url.scheme': 'http',
          'kratos.server': 'shop',
          'http.response.status_code': 404,
        },
        count: 1,
      },
    ]);
    expect(durations.every((point) => point.sum > 0 && point.sum < 10)).toBe(true);
    expect(await telemetry.sum('http.server.active_requests')).toEqual([
      {
        attributes: { 'http.request.method': 'GET', 'url.scheme': 'http', 'kratos.server': 'shop' },
        value: 0,
      },
    ]);
  });

  it('a request in flight counts in http.server.active_requests until its response ends', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { base } = await serve({
      name: 'api',
      handler: async (_req, res) => {
        await held;
        res.end('done');
      },
    });
    const reply = get(`${base}/slow`, { agent: false });
    for (let tries = 0; tries < 200; tries += 1) {
      const [active] = await telemetry.sum('http.server.active_requests');
      if (active?.value === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await telemetry.sum('http.server.active_requests'))[0]?.value).toBe(1);
    release();
    expect((await reply).status).toBe(200);
    await serverSpans(1);
    expect((await telemetry.sum('http.server.active_requests'))[0]?.value).toBe(0);
  });

  it('an SDK registered after the server started is picked up (instruments are made per meter provider)', async () => {
    await telemetry.uninstall();
    const { base, server } = await serve({ handler: (_req, res) => res.end('ok') });
    await get(`${base}/before`, { agent: false });
    telemetry = installInMemoryTelemetry();
    await get(`${base}/after`, { agent: false });
    const spans = await serverSpans(1);
    expect(spans.map((span) => span.attributes['url.path'])).toEqual(['/after']);
    const [point] = await telemetry.histogram('http.server.request.duration');
    expect(point?.count).toBe(1);
    await server.stop(never());
  });
});
