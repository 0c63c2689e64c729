import { afterEach, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { isKratosError } from '@kratos-ts/core';
import { HttpErrorCode, HttpServer } from '../../src/index.js';
import { get } from '../support/http-client.js';
import { never, serve, stopEvery } from '../support/serve.js';

// Regression: a Fastify instance was no handler. `new HttpServer({ handler: app })` did not
// type-check and threw KRATOS_HTTP_INVALID_OPTIONS; the workaround (`handler: app.routing`) needed
// the user to await `app.ready()` in an overridden start(), and forgetting it made every request a
// 500 with a TypeError from Fastify's internals. A plugin failing at ready() surfaced nowhere.
const apps: FastifyInstance[] = [];

afterEach(async () => {
  await stopEvery();
  await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
});

describe('a Fastify instance is a handler', () => {
  it('new HttpServer({ handler: app }) without the user calling ready(): requests answer from its routes', async () => {
    const app = Fastify();
    apps.push(app);
    app.get('/hello', () => ({ hello: 'world' }));
    const { server, base } = await serve({ handler: app });
    const reply = await get(`${base}/hello`, { agent: false });
    expect([reply.status, reply.body]).toEqual([200, '{"hello":"world"}']);
    await server.stop(never());
  });

  it('a plugin that throws at ready(): start fails with KRATOS_HTTP_APP_START_FAILED naming the cause, nothing listens', async () => {
    const app = Fastify();
    apps.push(app);
    const broken = new Error('database unreachable');
    void app.register(async function connectDatabase() {
      await Promise.resolve();
      throw broken;
    });
    const server = new HttpServer({ handler: app, host: '127.0.0.1', port: 0, name: 'api' });
    const failure: unknown = await server.start(never()).then(
      () => 'started',
      (error: unknown) => error,
    );
    expect(isKratosError(failure)).toBe(true);
    if (!isKratosError(failure)) return;
    expect(failure.code).toBe(HttpErrorCode.AppStartFailed);
    expect(failure.code).toBe('KRATOS_HTTP_APP_START_FAILED');
    expect(failure.cause).toBe(broken);
    expect(failure.message).toContain('HTTP server "api"');
    expect(failure.message).toContain('database unreachable');
    expect(server.phase).toBe('idle');
  });
});
