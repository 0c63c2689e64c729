import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server as NetServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Container, inject, injectable } from 'inversify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  APP_INFO,
  createKratosModule,
  InMemoryRegistry,
  isKratosError,
  KRATOS_OPTIONS,
  REGISTRAR,
  SERVER,
  Server,
  type AppInfo,
  type KratosOptions,
} from '@kratos-ts/core';
import { startTestApp, type TestApp } from '@kratos-ts/testing';
import { HttpServer } from '../src/index.js';
import { get, tcpConnect } from './support/http-client.js';

@injectable()
class Api {
  constructor(@inject(APP_INFO) private readonly app: AppInfo) {}
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    res.end(`${this.app.name} ${req.url ?? ''}`);
  };
}

@Server({ name: 'decorated' })
class ApiServer extends HttpServer {
  constructor(@inject(Api) api: Api) {
    super({ handler: api.handle, host: '127.0.0.1', port: 0 });
  }
}

const baseOptions: KratosOptions = { name: 'shop', stopTimeout: 2_000 };

/** The app's container: `Api` bound, `servers` decorated classes, and whatever `bind` adds. */
function containerWith(
  options: KratosOptions,
  bind: (container: Container) => void = () => undefined,
  servers: readonly (new (...args: never[]) => unknown)[] = [],
): Container {
  const container = new Container();
  container.bind(KRATOS_OPTIONS).toConstantValue({ ...baseOptions, ...options });
  container.bind(Api).toSelf().inSingletonScope();
  bind(container);
  container.load(createKratosModule({ servers }));
  return container;
}

describe('HttpServer run by the kernel', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop('test over');
    app = undefined;
  });

  it('both binding styles work, handlers inject AppInfo, and probes follow the kernel without wiring', async () => {
    let plain: HttpServer | undefined;
    const container = containerWith(
      {},
      (c) =>
        c.bind(SERVER).toDynamicValue((ctx) => {
          plain = new HttpServer({ handler: ctx.get(Api).handle, host: '127.0.0.1', port: 0, name: 'plain' });
          return plain;
        }),
      [ApiServer],
    );
    app = await startTestApp(container);
    const decorated = container.get(ApiServer);
    expect(app.app.endpoints).toEqual([decorated.endpoint(), plain!.endpoint()]);
    for (const base of app.app.endpoints) {
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await get(`${base}/hello`, { agent: false })).body).toBe('shop /hello');
      expect((await get(`${base}/readyz`, { agent: false })).status).toBe(200);
      expect((await get(`${base}/livez`, { agent: false })).status).toBe(200);
    }
    await app.stop();
    expect([decorated.phase, plain!.phase]).toEqual(['stopped', 'stopped']);
  });

  it('from the first instant of stopping /readyz answers 503; during drainDelay new connections are served; after it they are refused', async () => {
    const server = new HttpServer({ handler: (_req, res) => res.end('served'), host: '127.0.0.1', port: 0 });
    app = await startTestApp(
      containerWith({ drainDelay: 300 }, (container) => container.bind(SERVER).toConstantValue(server)),
    );
    const base = server.endpoint();
    const port = Number(new URL(base).port);
    expect((await get(`${base}/readyz`, { agent: false })).status).toBe(200);

    const stoppingAt = performance.now();
    const stopped = app.stop();
    expect(app.kernel.state).toBe('stopping');
    const [ready, live, served] = await Promise.all([
      get(`${base}/readyz`, { agent: false }),
      get(`${base}/livez`, { agent: false }),
      get(`${base}/work`, { agent: false }),
    ]);
    expect([ready.status, ready.body]).toEqual([503, 'unavailable\n']);
    expect(live.status).toBe(200);
    expect([served.status, served.body]).toEqual([200, 'served']);
    expect(performance.now() - stoppingAt).toBeLessThan(300);
    expect(server.phase).toBe('listening');

    await stopped;
    expect(performance.now() - stoppingAt).toBeGreaterThanOrEqual(290);
    expect(server.phase).toBe('stopped');
    expect(await tcpConnect(port)).toBe('ECONNREFUSED');
  });

  it('port in use: a coded start error naming host:port; the server that had started is stopped; nothing registered', async () => {
    const holder: NetServer = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const busyPort = (holder.address() as { port: number }).port;
    const registry = new InMemoryRegistry();
    const free = new HttpServer({ handler: () => undefined, host: '127.0.0.1', port: 0, name: 'free' });
    const busy = new HttpServer({
      handler: () => undefined,
      host: '127.0.0.1',
      port: busyPort,
      name: 'busy',
    });
    const container = containerWith({}, (c) => {
      c.bind(SERVER).toConstantValue(free);
      c.bind(SERVER).toConstantValue(busy);
      c.bind(REGISTRAR).toConstantValue(registry);
    });
    try {
      const error: unknown = await startTestApp(container).then(
        (started) => void (app = started),
        (e: unknown) => e,
      );
      expect(isKratosError(error) && error.code).toBe('KRATOS_START_FAILED');
      const cause = (error as Error).cause;
      expect(isKratosError(cause) && cause.code).toBe('KRATOS_HTTP_ADDRESS_IN_USE');
      expect((cause as Error).message).toContain(`HTTP server "busy" cannot listen on 127.0.0.1:${busyPort}`);
      expect(free.phase).toBe('stopped');
      expect(busy.phase).toBe('idle');
      expect(await registry.getService('shop')).toEqual([]);
    } finally {
      holder.close();
    }
  });
});
