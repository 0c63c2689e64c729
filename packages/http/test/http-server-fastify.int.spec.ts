import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server as NetServer } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { isKratosError, KratosError } from '@kratos-ts/core';
import { fakeKernelView, recordingLogger } from '@kratos-ts/testing';
import { HttpErrorCode, HttpServer, type HttpServerOptions } from '../src/index.js';
import { deferred } from './support/deferred.js';
import { get, tcpConnect } from './support/http-client.js';
import { never } from './support/serve.js';

// A Fastify instance as the handler: ready() before listening, routing per request, close() after
// the drain, each bounded by the server's signal. The recipe of docs/http.md runs in docs-recipes.
const servers: HttpServer[] = [];
const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop(never()).catch(() => undefined)));
  await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
});

function fastify(): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  app.get('/hello', async () => 'hello');
  return app;
}

function server(app: FastifyInstance, port = 0): HttpServer {
  const created = new HttpServer({ handler: app, host: '127.0.0.1', port, name: 'api' });
  servers.push(created);
  return created;
}

async function failureOf(work: Promise<unknown>): Promise<KratosError> {
  const outcome = await work.then(
    () => new Error('it did not fail'),
    (error: unknown) => error,
  );
  if (!isKratosError(outcome)) throw outcome;
  return outcome;
}

describe('HttpServer serving a Fastify instance', () => {
  it('type-checks with an HTTP/1 Fastify instance of any logger or type provider, and refuses an HTTP/2 one at compile time', async () => {
    const logged = Fastify({ logger: false }).withTypeProvider();
    const http2 = Fastify({ http2: true });
    try {
      expect(new HttpServer({ handler: logged }).phase).toBe('idle');
      // @ts-expect-error: an HTTP/2 instance routes Http2ServerRequest; HttpServer serves HTTP/1.1.
      const refused: HttpServerOptions = { handler: http2 };
      expect(refused.handler).toBe(http2);
    } finally {
      await Promise.all([logged.close(), http2.close()]);
    }
  });

  it('probes are answered before the app: Fastify never sees /readyz nor /livez', async () => {
    const app = fastify();
    const seen: string[] = [];
    app.addHook('onRequest', async (request) => {
      seen.push(request.url);
      await Promise.resolve();
    });
    const api = server(app);
    await api.start(never());
    const base = api.endpoint();
    expect((await get(`${base}/readyz`, { agent: false })).status).toBe(200);
    expect((await get(`${base}/livez`, { agent: false })).status).toBe(200);
    expect((await get(`${base}/hello`, { agent: false })).body).toBe('hello');
    expect((await get(`${base}/nope`, { agent: false })).status).toBe(404);
    expect(seen).toEqual(['/hello', '/nope']);
  });

  it("Fastify's own server never listens, and is closed with the app: nothing it opened outlives the stop", async () => {
    const app = fastify();
    const api = server(app);
    await api.start(never());
    expect(app.server.listening).toBe(false);
    let ownServerClosed = false;
    app.server.once('close', () => (ownServerClosed = true));
    await api.stop(never());
    expect([app.server.listening, ownServerClosed]).toEqual([false, true]);
  });

  it('a started, stopped Fastify server cannot start again: KRATOS_HTTP_APP_START_FAILED, since a closed instance answers 503', async () => {
    const api = server(fastify());
    await api.start(never());
    await api.stop(never());
    const error = await failureOf(api.start(never()));
    expect(error.code).toBe(HttpErrorCode.AppStartFailed);
    expect(error.message).toContain('closed when the server last stopped');
    expect(api.phase).toBe('idle');
  });

  it('an onClose hook that rejects: the drain completes, then stop rejects with KRATOS_HTTP_APP_CLOSE_FAILED and its cause', async () => {
    const app = fastify();
    const broken = new Error('pool end failed');
    app.addHook('onClose', async () => {
      await Promise.resolve();
      throw broken;
    });
    const api = server(app);
    await api.start(never());
    const port = Number(new URL(api.endpoint()).port);
    const error = await failureOf(api.stop(never()));
    expect(error.code).toBe(HttpErrorCode.AppCloseFailed);
    expect(error.cause).toBe(broken);
    expect(error.message).toContain('pool end failed');
    expect(api.phase).toBe('stopped');
    expect(await tcpConnect(port)).toBe('ECONNREFUSED');
  });

  it('an onClose hook that outlasts the stop signal: stop rejects with KRATOS_HTTP_APP_CLOSE_FAILED when it aborts', async () => {
    const app = fastify();
    const hold = deferred();
    const closing = deferred();
    app.addHook('onClose', async () => {
      closing.resolve();
      await hold.promise;
    });
    const api = server(app);
    await api.start(never());
    const stopTimeout = new AbortController();
    const stop = failureOf(api.stop(stopTimeout.signal));
    await closing.promise;
    stopTimeout.abort(new Error('stopTimeout'));
    const error = await stop;
    expect(error.code).toBe(HttpErrorCode.AppCloseFailed);
    expect(error.message).toContain('had not finished when the stop signal aborted');
    expect(api.phase).toBe('stopped');
    hold.resolve();
  });

  it('the port is taken after ready(): start fails with KRATOS_HTTP_ADDRESS_IN_USE, and the app is closed (its onClose hooks ran)', async () => {
    const holder: NetServer = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const busyPort = (holder.address() as { port: number }).port;
    try {
      const app = fastify();
      const events: string[] = [];
      app.addHook('onReady', async () => {
        events.push('ready');
        await Promise.resolve();
      });
      app.addHook('onClose', async () => {
        events.push('closed');
        await Promise.resolve();
      });
      const error = await failureOf(server(app, busyPort).start(never()));
      expect(error.code).toBe(HttpErrorCode.AddressInUse);
      expect(events).toEqual(['ready', 'closed']);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('a start aborted while a plugin loads rejects with the reason at once; the app is closed once the plugin is done', async () => {
    const app = fastify();
    const loading = deferred();
    const finishLoading = deferred();
    const closed = deferred();
    void app.register(async () => {
      loading.resolve();
      await finishLoading.promise;
    });
    app.addHook('onClose', async () => {
      closed.resolve();
      await Promise.resolve();
    });
    const api = server(app);
    const startTimeout = new AbortController();
    const start = api.start(startTimeout.signal).then(
      () => 'started',
      (error: unknown) => error,
    );
    await loading.promise;
    const reason = new Error('startTimeout');
    startTimeout.abort(reason);
    expect(await start).toBe(reason);
    expect(api.phase).toBe('idle');
    finishLoading.resolve();
    await closed.promise;
  });

  it('stop() while a plugin loads: the start rejects, and the stop resolves only once the app is closed', async () => {
    const app = fastify();
    const loading = deferred();
    const finishLoading = deferred();
    const events: string[] = [];
    void app.register(async () => {
      loading.resolve();
      await finishLoading.promise;
    });
    app.addHook('onClose', async () => {
      events.push('onClose');
      await Promise.resolve();
    });
    const api = server(app);
    const start = api.start(never()).then(
      () => 'started',
      (error: unknown) => (error instanceof DOMException ? error.name : error),
    );
    await loading.promise;
    const stop = api.stop(never()).then(() => events.push('stopped'));
    expect(await start).toBe('AbortError');
    finishLoading.resolve();
    await stop;
    expect(events).toEqual(['onClose', 'stopped']);
    expect(api.phase).toBe('idle');
  });

  it('closing after a failed start fails: the error is logged under a kernel (KRATOS_HTTP_APP_CLOSE_FAILED), start still rejects with the start error', async () => {
    const app = fastify();
    void app.register(async (child) => {
      child.addHook('onClose', async () => {
        await Promise.resolve();
        throw new Error('cleanup failed');
      });
      await Promise.resolve();
    });
    void app.register(async () => {
      await Promise.resolve();
      throw new Error('plugin failed');
    });
    const api = server(app);
    const logger = recordingLogger();
    api.attachKernel(fakeKernelView({ logger }));
    const error = await failureOf(api.start(never()));
    expect(error.code).toBe(HttpErrorCode.AppStartFailed);
    expect(error.message).toContain('plugin failed');
    const logged = logger.records.filter((record) => record.level === 'error');
    expect(logged).toHaveLength(1);
    const err = (logged[0]?.fields as { err?: unknown } | undefined)?.err;
    expect(isKratosError(err) && err.code).toBe(HttpErrorCode.AppCloseFailed);
    expect(logged[0]?.msg).toContain('cleanup failed');
  });
});
