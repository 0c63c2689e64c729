import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { InMemoryRegistry } from '@kratos-ts/core';
import { random, version, wrr } from '@kratos-ts/discovery';
import { createHttpClient, type HttpClient } from '../../src/client.js';
import { closeEvery, instanceOf, startNode } from './support/test-nodes.js';
import { loopbackCertificate } from '../support/loopback-certificate.js';

const clients: HttpClient[] = [];
function track(client: HttpClient): HttpClient {
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await closeEvery();
});

describe('HTTP client over discovery (real sockets, 127.0.0.1)', () => {
  it('balances across the nodes with the default p2c; res.node is the endpoint that answered', async () => {
    const registry = new InMemoryRegistry();
    const nodes = await Promise.all(['a', 'b', 'c'].map((id) => startNode(id)));
    for (const node of nodes) await registry.register(node.instance);
    const client = track(createHttpClient({ target: 'discovery:///greeter', discovery: registry }));

    const answers = [];
    for (let i = 0; i < 12; i += 1) {
      // Pairs in flight at once, so in-flight load plays a part too.
      answers.push(
        ...(await Promise.all([0, 1].map(() => client.request({ method: 'GET', path: '/hello?name=Ada' })))),
      );
    }
    for (const res of answers) {
      expect(res.statusCode).toBe(200);
      const node = nodes.find((n) => n.id === res.body.toString())!;
      expect(res.node).toBe(node.endpoint);
    }
    expect(nodes.every((node) => node.hits > 0)).toBe(true);
    expect(nodes.reduce((sum, node) => sum + node.hits, 0)).toBe(24);
    expect([...client.nodes()].sort()).toEqual(nodes.map((n) => n.endpoint).sort());
    // Keep-alive pools: connections are reused (undici may open one more while it checks an idle one).
    expect(nodes.reduce((sum, node) => sum + node.connections.accepted, 0)).toBeLessThan(12);
  });

  it('spreads evenly with wrr(), and honours filters; headers and bodies go both ways', async () => {
    const registry = new InMemoryRegistry();
    const echo = await Promise.all(
      ['a', 'b'].map((id) =>
        startNode(id, (req, res, node) => {
          const chunks: Buffer[] = [];
          req.on('data', (chunk: Buffer) => chunks.push(chunk));
          req.on('end', () => {
            res.setHeader('x-node', node.id);
            res.setHeader('set-cookie', ['a=1', 'b=2']);
            res.end(
              `${req.method} ${req.url} ${String(req.headers['x-trace'])} ${Buffer.concat(chunks).toString()}`,
            );
          });
        }),
      ),
    );
    const old = await startNode('old');
    for (const node of echo) await registry.register(node.instance);
    await registry.register({ ...old.instance, version: '0.9.0' });
    const client = track(
      createHttpClient({
        target: 'discovery:///greeter',
        discovery: registry,
        selector: wrr(),
        filters: [version('1.0.0')],
      }),
    );
    const seen = new Map<string, number>();
    for (let i = 0; i < 6; i += 1) {
      const res = await client.request({
        method: 'post',
        path: '/echo?i=1',
        headers: { 'x-trace': 't1' },
        body: new TextEncoder().encode('héllo'),
      });
      expect(res.body.toString()).toBe('POST /echo?i=1 t1 héllo');
      expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(res.node).toBe(echo.find((n) => n.id === res.headers['x-node'])!.endpoint);
      seen.set(res.node, (seen.get(res.node) ?? 0) + 1);
    }
    expect([...seen.values()]).toEqual([3, 3]);
    expect(old.hits).toBe(0);
  });

  it('follows the registry: a new instance is used, nodes() lists it', async () => {
    const registry = new InMemoryRegistry();
    const [a, b] = await Promise.all([startNode('a'), startNode('b')]);
    await registry.register(a.instance);
    const client = track(
      createHttpClient({ target: 'discovery:///greeter', discovery: registry, selector: random() }),
    );
    expect((await client.request({ path: '/' })).node).toBe(a.endpoint);
    await registry.register(b.instance);
    expect([...client.nodes()].sort()).toEqual([a.endpoint, b.endpoint].sort());
    for (let i = 0; i < 20 && b.hits === 0; i += 1) await client.request({ path: '/' });
    expect(b.hits).toBeGreaterThan(0);
  });

  it('a fixed http://127.0.0.1:port target needs no discovery', async () => {
    const node = await startNode('only');
    const client = track(createHttpClient({ target: `http://127.0.0.1:${node.port}` }));
    const res = await client.request({ method: 'HEAD', path: '/' });
    expect([res.statusCode, res.node, res.body.length]).toEqual([200, node.endpoint, 0]);
    expect((await client.request({ path: '/' })).body.toString()).toBe('only');
    expect(client.nodes()).toEqual([node.endpoint]);
  });
});

describe('HTTP client over TLS', () => {
  let key = '';
  let cert = '';
  beforeAll(async () => {
    ({ key, cert } = await loopbackCertificate());
  });

  it('secure: true calls the https:// endpoints, trusting the CA given in tls', async () => {
    const server = createServer({ key, cert }, (_req, res) => res.end('secret'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    try {
      const registry = new InMemoryRegistry();
      await registry.register(instanceOf('tls', `https://127.0.0.1:${port}`));
      const client = track(
        createHttpClient({
          target: 'discovery:///greeter',
          discovery: registry,
          secure: true,
          tls: { ca: cert },
        }),
      );
      const res = await client.request({ path: '/' });
      expect([res.statusCode, res.body.toString(), res.node]).toEqual([
        200,
        'secret',
        `https://127.0.0.1:${port}`,
      ]);
      const untrusted = track(createHttpClient({ target: `https://127.0.0.1:${port}`, retry: false }));
      await expect(untrusted.request({ path: '/' })).rejects.toMatchObject({
        code: 'KRATOS_HTTP_CLIENT_REQUEST_FAILED',
        cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      });
    } finally {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
