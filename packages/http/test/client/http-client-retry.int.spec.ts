import { afterEach, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { InMemoryRegistry, isKratosError, type KratosError, type Logger } from '@kratos-ts/core';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../src/client.js';
import {
  closeEvery,
  instanceOf,
  orderedSelector,
  refusedPort,
  startNode,
  type NodeHandler,
  type TestNode,
} from './support/test-nodes.js';

const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await closeEvery();
});

/** A client of `greeter` listing `endpoints` in this order, with the ordered selector (first untried node first). */
async function clientOf(endpoints: readonly string[], options: Partial<HttpClientOptions> = {}) {
  const registry = new InMemoryRegistry();
  // One instance listing every endpoint keeps the order of the list as given.
  await registry.register({ ...instanceOf('all', endpoints[0]!), endpoints: [...endpoints] });
  const selector = orderedSelector();
  const client = createHttpClient({
    target: 'discovery:///greeter',
    discovery: registry,
    selector,
    ...options,
  });
  clients.push(client);
  return { client, selector, registry };
}

async function rejection(promise: Promise<unknown>): Promise<KratosError> {
  try {
    await promise;
  } catch (error) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

/** Reads the request, then destroys the socket: the request was written, no response comes. */
const destroyMidRequest: NodeHandler = (req) => {
  req.resume();
  req.on('end', () => req.socket.destroy());
};
const unavailable: NodeHandler = (req, res) => {
  req.resume();
  res.statusCode = 503;
  res.end('not ready');
};

describe('retries (real sockets, 127.0.0.1)', () => {
  it.each(['GET', 'POST'])(
    'a refused connection is retried on another node for %s (never sent)',
    async (method) => {
      const dead = `http://127.0.0.1:${await refusedPort()}`;
      const live = await startNode('live');
      const debug: string[] = [];
      const logger: Logger = {
        debug: (first: object | string, msg?: string) =>
          void debug.push(typeof first === 'string' ? first : (msg ?? '')),
        info() {},
        warn() {},
        error() {},
      };
      const { client, selector } = await clientOf([dead, live.endpoint], { logger });
      const res = await client.request({
        method,
        path: '/orders',
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(debug).toContain(
        `HTTP client of "greeter": retrying ${method} /orders on another node: ${dead} failed (connect ECONNREFUSED ${dead.slice(7)})`,
      );
      expect(debug).toContain(`HTTP client of "greeter": opened a connection pool to ${live.endpoint}`);
      expect([res.statusCode, res.node, live.hits]).toEqual([200, live.endpoint, 1]);
      expect(selector.picks.map((pick) => [pick.endpoint, pick.exclude])).toEqual([
        [dead, []],
        [live.endpoint, [dead]],
      ]);
      // The selector learns: the refused attempt is reported as a failure, the other as a success.
      expect((selector.picks[0]!.feedback!.error as { code?: string }).code).toBe('ECONNREFUSED');
      expect(selector.picks[1]!.feedback).toEqual({ duration: expect.any(Number) });
    },
  );

  it('a socket destroyed mid-request: GET is retried on another node', async () => {
    const breaker = await startNode('breaker', destroyMidRequest);
    const live = await startNode('live');
    const { client } = await clientOf([breaker.endpoint, live.endpoint]);
    const res = await client.request({ method: 'GET', path: '/hello' });
    expect([res.statusCode, res.node, breaker.hits, live.hits]).toEqual([200, live.endpoint, 1, 1]);
  });

  it('a socket destroyed mid-request: POST is not retried, the error names service, node and request', async () => {
    const breaker = await startNode('breaker', destroyMidRequest);
    const live = await startNode('live');
    const { client } = await clientOf([breaker.endpoint, live.endpoint]);
    const error = await rejection(
      client.request({ method: 'POST', path: '/orders?token=secret', body: '{"n":1}' }),
    );
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_REQUEST_FAILED');
    expect((error.cause as { code?: string }).code).toBe('UND_ERR_SOCKET');
    expect(error.errors).toEqual([error.cause]);
    expect(error.message).toContain(
      `Request POST /orders to "greeter" failed after 1 attempt (nodes tried: ${breaker.endpoint})`,
    );
    expect(error.message).toContain('POST is not idempotent, so it was not retried');
    expect(error.message).not.toContain('secret');
    expect([breaker.hits, live.hits]).toEqual([1, 0]);
  });

  it('a 503: GET is retried on another node, POST gets the 503', async () => {
    const busy = await startNode('busy', unavailable);
    const live = await startNode('live');
    const { client, selector } = await clientOf([busy.endpoint, live.endpoint]);
    const get = await client.request({ method: 'GET', path: '/hello' });
    expect([get.statusCode, get.node]).toEqual([200, live.endpoint]);
    // A 5xx is a failure for the selector.
    expect(String(selector.picks[0]!.feedback!.error)).toContain(
      `${busy.endpoint} answered 503 to GET /hello`,
    );

    const post = await client.request({ method: 'POST', path: '/orders', body: 'x' });
    expect([post.statusCode, post.node, post.body.toString()]).toEqual([503, busy.endpoint, 'not ready']);
    expect([busy.hits, live.hits]).toEqual([2, 1]);
  });

  it('when every attempt answers 503, the last 503 is returned as is', async () => {
    const nodes = await Promise.all(['a', 'b', 'c', 'd'].map((id) => startNode(id, unavailable)));
    const { client } = await clientOf(nodes.map((node) => node.endpoint));
    const res = await client.request({ method: 'DELETE', path: '/orders/1' });
    expect([res.statusCode, res.node, res.body.toString()]).toEqual([503, nodes[2]!.endpoint, 'not ready']);
    expect(nodes.map((node) => node.hits)).toEqual([1, 1, 1, 0]);
  });

  it.each<[string, HttpClientOptions['retry'], number]>([
    ['the default (2 retries)', undefined, 3],
    ['retry: { max: 1 }', { max: 1 }, 2],
    ['retry: { max: 4 }', { max: 4 }, 5],
    ['retry: false', false, 1],
  ])('%s: at most max + 1 attempts, counted server-side', async (_, retry, attempts) => {
    const nodes: TestNode[] = await Promise.all(
      ['a', 'b', 'c'].map((id) => startNode(id, destroyMidRequest)),
    );
    const { client } = await clientOf(
      nodes.map((node) => node.endpoint),
      retry === undefined ? {} : { retry },
    );
    const error = await rejection(client.request({ method: 'PUT', path: '/x' }));
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_REQUEST_FAILED');
    expect(nodes.reduce((sum, node) => sum + node.hits, 0)).toBe(attempts);
    expect(error.errors).toHaveLength(attempts);
    // Retries go to nodes not tried yet while there is one.
    expect(nodes.filter((node) => node.hits > 0)).toHaveLength(Math.min(attempts, nodes.length));
    expect(error.message).toContain(attempts === 1 ? 'Retries are off' : 'Every allowed attempt failed');
  });

  it('a single node is retried on itself', async () => {
    const dead = `http://127.0.0.1:${await refusedPort()}`;
    const { client, selector } = await clientOf([dead]);
    const error = await rejection(client.request({ method: 'POST', path: '/orders' }));
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_REQUEST_FAILED');
    expect(error.errors.map((e) => (e as { code?: string }).code)).toEqual([
      'ECONNREFUSED',
      'ECONNREFUSED',
      'ECONNREFUSED',
    ]);
    expect(selector.picks.map((pick) => pick.endpoint)).toEqual([dead, dead, dead]);
    expect(error.message).toContain(`failed after 3 attempts (nodes tried: ${dead})`);
    expect(error.message).toContain('check that the nodes are up and reachable, or raise retry.max');
  });

  it('never retries after the deadline: a hung node times out the request, no second attempt', async () => {
    const hung = await startNode('hung', (req) => req.resume());
    const live = await startNode('live');
    const { client, selector } = await clientOf([hung.endpoint, live.endpoint], { timeout: 150 });
    const started = performance.now();
    const error = await rejection(client.request({ method: 'GET', path: '/slow' }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_TIMEOUT');
    expect(error.message).toContain(
      `Request GET /slow to "greeter" timed out after 150 ms after 1 attempt (nodes tried: ${hung.endpoint})`,
    );
    expect(error.cause).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_000);
    expect([hung.hits, live.hits]).toEqual([1, 0]);
    // The timed-out attempt is a failure for the selector.
    expect(selector.picks).toHaveLength(1);
    expect(selector.picks[0]!.feedback!.error).toBeDefined();
  });

  it('a timeout after a failed attempt keeps that attempt’s error as cause', async () => {
    const breaker = await startNode('breaker', destroyMidRequest);
    const hung = await startNode('hung', (req) => req.resume());
    const { client } = await clientOf([breaker.endpoint, hung.endpoint], { timeout: 150 });
    const error = await rejection(client.request({ method: 'GET', path: '/slow' }));
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_TIMEOUT');
    expect((error.cause as { code?: string }).code).toBe('UND_ERR_SOCKET');
    expect(error.message).toContain('after 2 attempts');
    expect([breaker.hits, hung.hits]).toEqual([1, 1]);
  });

  it('a header undici refuses is an invalid request, not retried', async () => {
    const live = await startNode('live');
    const { client } = await clientOf([live.endpoint]);
    const error = await rejection(
      client.request({ method: 'POST', path: '/', headers: { 'transfer-encoding': 'chunked' }, body: 'x' }),
    );
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_INVALID_OPTIONS');
    expect(error.message).toMatch(/^Request POST \/ to "[^"]+" has invalid options:\n {2}- /);
    expect(error.message).toContain('was refused before it was sent');
    expect(error.message).toContain("fix the request's headers or body");
    expect(error.cause).toBeDefined();
    expect(live.hits).toBe(0);
  });
});
