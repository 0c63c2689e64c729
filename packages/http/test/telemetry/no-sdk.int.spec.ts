import { afterEach, describe, expect, it } from '@jest/globals';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemoryRegistry } from '@kratos-ts/core';
import { createHttpClient, type HttpClient } from '../../src/client.js';
import {
  closeEvery,
  instanceOf,
  orderedSelector,
  refusedPort,
  startNode,
} from '../client/support/test-nodes.js';
import { get } from '../support/http-client.js';
import { serve, stopEvery } from '../support/serve.js';

// With @opentelemetry/api present and no SDK registered, serving and calling behave as before.
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await stopEvery();
  await closeEvery();
  propagation.disable();
  context.disable();
});

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

describe('no OpenTelemetry SDK registered', () => {
  it('the same responses, no traceparent added, a failing handler still answers 500, retries still work', async () => {
    expect(trace.getTracer('probe').startSpan('x').isRecording()).toBe(false);
    const seen: (string | string[] | undefined)[] = [];
    const { base } = await serve({
      handler: (req, res) => {
        seen.push(req.headers.traceparent);
        if (req.url === '/fail') throw new Error('boom');
        res.end(`hello ${req.url ?? ''}`);
      },
    });
    const direct = await get(`${base}/a`, { agent: false, headers: { traceparent: TRACEPARENT } });
    expect([direct.status, direct.body]).toEqual([200, 'hello /a']);
    expect((await get(`${base}/fail`, { agent: false })).status).toBe(500);

    const refused = `http://127.0.0.1:${await refusedPort()}`;
    const client = await clientOf([refused, base]);
    const res = await client.request({ path: '/b' });
    expect([res.statusCode, res.body.toString(), res.node]).toEqual([200, 'hello /b', base]);
    const streamed = await client.stream({ path: '/c' });
    const chunks: Buffer[] = [];
    for await (const chunk of streamed.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello /c');
    expect(seen).toEqual([TRACEPARENT, undefined, undefined, undefined]);
  });

  it('a propagator and a context manager but no tracer: an incoming traceparent is passed on by the client, unchanged', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const downstream = await startNode('down', (req, res) => {
      req.resume();
      res.end(String(req.headers.traceparent));
    });
    const client = await clientOf([downstream.endpoint]);
    const { base } = await serve({
      handler: async (_req, res) => {
        const answer = await client.request({ path: '/next' });
        res.end(answer.body);
      },
    });
    const reply = await get(`${base}/`, { agent: false, headers: { traceparent: TRACEPARENT } });
    expect(reply.body).toBe(TRACEPARENT);
  });
});
