import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent } from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { deferred } from './support/deferred.js';
import { get } from './support/http-client.js';
import { never, serve, stopEvery } from './support/serve.js';
import { loopbackCertificate } from './support/loopback-certificate.js';

describe('HttpServer with an Express 5 app', () => {
  afterEach(stopEvery);

  it('serves an Express app as handler; probes are answered before it', async () => {
    const app = express();
    app.get('/users/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    const { base } = await serve({ handler: app });
    const user = await get(`${base}/users/42`, { agent: false });
    expect([user.status, JSON.parse(user.body)]).toEqual([200, { id: '42' }]);
    expect(user.headers['x-powered-by']).toBe('Express');
    expect((await get(`${base}/missing`, { agent: false })).status).toBe(404);
    const ready = await get(`${base}/readyz`, { agent: false });
    expect([ready.status, ready.headers['x-powered-by']]).toEqual([200, undefined]);
  });

  it('with health: false the probe paths reach the app', async () => {
    const app = express();
    app.get('/readyz', (_req, res) => {
      res.status(418).send('mine');
    });
    const { base } = await serve({ handler: app, health: false });
    expect((await get(`${base}/readyz`, { agent: false })).status).toBe(418);
  });
});

describe('HttpServer with TLS (self-signed certificate)', () => {
  let key = '';
  let cert = '';
  beforeAll(async () => {
    ({ key, cert } = await loopbackCertificate());
  });
  afterEach(stopEvery);

  it('serves HTTPS and reports an https endpoint with the bound port', async () => {
    const { base, port } = await serve({ handler: (_req, res) => res.end('secure'), tls: { key, cert } });
    expect(base).toBe(`https://127.0.0.1:${port}`);
    const reply = await get(`${base}/`, { ca: cert, agent: false });
    expect([reply.status, reply.body]).toEqual([200, 'secure']);
    expect((await get(`${base}/readyz`, { ca: cert, agent: false })).status).toBe(200);
  });

  it('drains over TLS: in-flight request completes with Connection: close, idle TLS sockets close at once', async () => {
    const entered = deferred();
    const release = deferred();
    const { server, base } = await serve({
      handler: (req, res) => {
        if (req.url === '/slow') {
          entered.resolve();
          void release.promise.then(() => res.end('slow'));
        } else res.end('fast');
      },
      tls: { key, cert },
      keepAliveTimeout: 60_000,
    });
    const agent = new Agent({ keepAlive: true, ca: cert });
    await get(`${base}/fast`, { agent });
    const idle = Object.values(agent.freeSockets).flat() as Socket[];
    expect(idle).toHaveLength(1);
    const idleClosed = new Promise((resolve) => idle[0]!.once('close', resolve));
    const slow = get(`${base}/slow`, { ca: cert, agent: false });
    await entered.promise;
    const startedAt = performance.now();
    const stop = server.stop(never());
    await idleClosed;
    expect(performance.now() - startedAt).toBeLessThan(250);
    release.resolve();
    const reply = await slow;
    expect([reply.status, reply.body, reply.headers.connection]).toEqual([200, 'slow', 'close']);
    await stop;
    agent.destroy();
  });
});
