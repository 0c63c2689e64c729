import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { InMemoryRegistry, isKratosError, type KratosError } from '@kratos-ts/core';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../src/client.js';
import { closeEvery, sleep, startNode } from './support/test-nodes.js';

const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await closeEvery();
});

function clientOf(registry: InMemoryRegistry, options: Partial<HttpClientOptions> = {}): HttpClient {
  const client = createHttpClient({ target: 'discovery:///greeter', discovery: registry, ...options });
  clients.push(client);
  return client;
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

/** Resolves true once `node` has no open connection, false after `ms`. */
async function idleWithin(node: { idle(): Promise<void> }, ms: number): Promise<boolean> {
  return Promise.race([node.idle().then(() => true), sleep(ms).then(() => false)]);
}

describe('HTTP client lifecycle (real sockets, 127.0.0.1)', () => {
  it('the first call waits for the first resolution: an instance registered 100 ms later answers it', async () => {
    const registry = new InMemoryRegistry();
    const node = await startNode('late');
    const client = clientOf(registry);
    const started = performance.now();
    const call = client.request({ path: '/hello' });
    await sleep(100);
    await registry.register(node.instance);
    const res = await call;
    expect([res.statusCode, res.node]).toEqual([200, node.endpoint]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('the timeout covers waiting for the first resolution, and nothing is sent after it', async () => {
    const registry = new InMemoryRegistry();
    const node = await startNode('too-late');
    const client = clientOf(registry, { timeout: 100 });
    const started = performance.now();
    const error = await rejection(client.request({ path: '/hello' }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_TIMEOUT');
    expect(error.message).toContain('timed out after 100 ms waiting for the first instances');
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(600);
    await registry.register(node.instance);
    await sleep(30);
    expect(node.hits).toBe(0);
  });

  it('an empty registry after emptyGrace: KRATOS_NO_INSTANCES, fast, naming the service', async () => {
    const registry = new InMemoryRegistry();
    const client = clientOf(registry, { emptyGrace: 50 });
    const started = performance.now();
    const error = await rejection(client.request({ path: '/hello' }));
    expect(error.code).toBe('KRATOS_NO_INSTANCES');
    expect(error.message).toContain('"greeter"');
    expect(performance.now() - started).toBeLessThan(1_000);
    const again = performance.now();
    expect((await rejection(client.request({ path: '/hello' }))).code).toBe('KRATOS_NO_INSTANCES');
    expect(performance.now() - again).toBeLessThan(20);
  });

  it('a node deregistered during a slow request: the request completes, then its pool is closed', async () => {
    const registry = new InMemoryRegistry();
    const slow = await startNode('slow', (req, res, node) => {
      req.resume();
      setTimeout(() => res.end(node.id), 200);
    });
    const next = await startNode('next');
    await registry.register(slow.instance);
    const client = clientOf(registry);
    const call = client.request({ path: '/slow' });
    while (slow.hits === 0) await sleep(5);
    await registry.register(next.instance);
    await registry.deregister(slow.instance);
    expect(client.nodes()).toEqual([next.endpoint]);
    expect(slow.connections.open).toBe(1);

    const res = await call;
    expect([res.statusCode, res.body.toString(), res.node]).toEqual([200, 'slow', slow.endpoint]);
    // Without the pool's close, undici would keep the connection for its 4 s keep-alive.
    expect(await idleWithin(slow, 1_000)).toBe(true);
    expect((await client.request({ path: '/' })).node).toBe(next.endpoint);
    expect(slow.hits).toBe(1);
  });

  it('close() closes every connection; a request after it rejects with KRATOS_HTTP_CLIENT_CLOSED', async () => {
    const registry = new InMemoryRegistry();
    const nodes = await Promise.all(['a', 'b'].map((id) => startNode(id)));
    for (const node of nodes) await registry.register(node.instance);
    const client = clientOf(registry);
    await Promise.all([1, 2, 3, 4].map(() => client.request({ path: '/' })));
    expect(nodes.every((node) => node.connections.open > 0)).toBe(true);
    await client.close();
    expect(await Promise.all(nodes.map((node) => idleWithin(node, 1_000)))).toEqual([true, true]);
    const error = await rejection(client.request({ path: '/' }));
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_CLOSED');
    expect(error.message).toContain('HTTP client of "greeter" is closed');
  });

  it('close() lets a request in flight finish; close(signal) ends it when the signal aborts', async () => {
    const registry = new InMemoryRegistry();
    const slow = await startNode('slow', (req, res, node) => {
      req.resume();
      setTimeout(() => res.end(node.id), 150);
    });
    const hung = await startNode('hung', (req) => req.resume(), 'hung');
    await registry.register(slow.instance);
    await registry.register(hung.instance);

    const graceful = clientOf(registry);
    const inFlight = graceful.request({ method: 'POST', path: '/slow', body: 'x' });
    while (slow.hits === 0) await sleep(5);
    await graceful.close();
    expect((await inFlight).body.toString()).toBe('slow');

    const forced = createHttpClient({ target: 'discovery:///hung', discovery: registry });
    const stuck = rejection(forced.request({ path: '/never' }));
    while (hung.hits === 0) await sleep(5);
    const started = performance.now();
    await forced.close(AbortSignal.timeout(50));
    expect(performance.now() - started).toBeLessThan(500);
    const error = await stuck;
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_CLOSED');
    expect(error.message).toContain(
      'Request GET /never to "hung" was given up: the client was closed after 1 attempt',
    );
  });

  it("close() without a signal is bounded by the requests' own timeouts: an unread streamed body is cut at its timeout", async () => {
    const registry = new InMemoryRegistry();
    // Headers and a first chunk, then the body never ends: only the request's timeout ends it.
    const endless = await startNode('endless', (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk');
    });
    await registry.register(endless.instance);
    const client = clientOf(registry, { timeout: 300 });
    const response = await client.stream({ path: '/endless' });
    const bodyError = new Promise<unknown>((resolve) => response.body.once('error', resolve));

    // The user never reads the body. close() waits for it, but no longer than its timeout.
    const closed = client.close().then(() => 'closed');
    const verdict = await Promise.race([
      closed,
      sleep(10_000).then(() => 'close() still pending after 10 s'),
    ]);
    expect(verdict).toBe('closed');
    expect((await bodyError) as { code?: string }).toMatchObject({ code: 'KRATOS_HTTP_CLIENT_TIMEOUT' });
  });

  it('a process that makes one call and closes the client exits by itself (child process, built dist)', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/one-call.mjs', import.meta.url));
    const bundle = fileURLToPath(new URL('../../dist/client.bundle.js', import.meta.url));
    if (!existsSync(bundle)) {
      throw new Error(
        'packages/http/dist is not built: run `npx tsc -b packages/core packages/discovery packages/http && ' +
          'npm run bundle -w @kratos-ts/core -w @kratos-ts/discovery -w @kratos-ts/http` (npm test builds it)',
      );
    }
    const child = spawn(process.execPath, [fixture], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = performance.now();
    const code = await new Promise<number | null>((resolve) => {
      // Far below the client's 10 s default timeout and the fixture server's 30 s keep-alive.
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', (exitCode) => {
        clearTimeout(kill);
        resolve(exitCode);
      });
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(5_000);
    const report = JSON.parse(stdout) as { afterClose: string[] };
    expect(report).toMatchObject({ status: 200, body: 'hi', node: true, serverSawClosed: true });
    // Left: the fixture's own server, and the stdio pipes when they are pipes. No timer, no client socket.
    expect(report.afterClose.filter((resource) => resource !== 'PipeWrap')).toEqual(['TCPServerWrap']);
  });
});
