import { afterEach, describe, expect, it } from '@jest/globals';
import {
  createKratosModule,
  InMemoryRegistry,
  KRATOS_OPTIONS,
  KratosErrorCode,
  LifecycleKernel,
  LOGGER,
  REGISTRAR,
  SERVER,
  type KratosOptions,
  type TransportServer,
} from '@kratos-ts/core';
import { HttpServer } from '@kratos-ts/http';
import { Container } from 'inversify';
import {
  fakeServer,
  openTestApps,
  recordingLogger,
  recordingRegistrar,
  startTestApp,
  TestingErrorCode,
  type TestApp,
} from '../src/index.js';

/** An app container the way users build one: options, a registry, servers, the kernel module. */
function appContainer(servers: readonly TransportServer[], options: KratosOptions = {}): Container {
  const container = new Container();
  container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'greeter', version: '1.0.0', ...options });
  for (const server of servers) container.bind(SERVER).toConstantValue(server);
  container.load(createKratosModule());
  return container;
}

const hello = (): HttpServer =>
  new HttpServer({ name: 'http', host: '127.0.0.1', port: 0, handler: (_req, res) => res.end('hello') });

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('startTestApp with a real HttpServer on 127.0.0.1, port 0', () => {
  it('resolves once running, serves on the registered endpoint, and stops cleanly', async () => {
    const registry = new InMemoryRegistry();
    const container = appContainer([hello()]);
    container.bind(REGISTRAR).toConstantValue(registry);
    const listeners = (): number[] =>
      ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));
    const before = listeners();

    app = await startTestApp(container);

    expect(app.kernel.state).toBe('running');
    const base = app.endpoint('http');
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.app.endpoints).toEqual([base]);
    expect(await (await fetch(base)).text()).toBe('hello');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await registry.getService('greeter')).map((i) => i.endpoints)).toEqual([[base]]);
    expect(listeners()).toEqual(before); // the process's signals and uncaught errors are left alone
    expect(app.uncaughtErrors.listening).toBe(true);
    expect(app.logs.some(({ msg }) => msg.includes('greeter') && msg.includes('running'))).toBe(true);

    await app.stop();

    expect(app.kernel.state).toBe('stopped');
    await expect(app.run).resolves.toBeUndefined();
    await expect(registry.getService('greeter')).resolves.toEqual([]);
    await expect(fetch(base)).rejects.toThrow();
    expect(app.events.map(({ event }) => event.type)).toEqual(
      expect.arrayContaining(['server-start', 'register', 'deregister', 'server-stop']),
    );
    expect(openTestApps()).toEqual([]);
  });

  it('stops on a fake SIGTERM, and records the exit a second signal would force', async () => {
    const slow = fakeServer({ name: 'slow', stop: 'never' });
    app = await startTestApp(appContainer([hello(), slow], { stopTimeout: 100 }));

    expect(app.signals.emit('SIGTERM')).toBe(true);
    expect(app.kernel.state).toBe('stopping');
    expect(app.signals.emit('SIGINT')).toBe(true);

    const failed = { name: 'KratosError', message: expect.stringContaining('Server "slow"') };
    await expect(app.run).rejects.toMatchObject(failed);
    expect(app.exits).toEqual([130]);
    await expect(app.stop()).rejects.toMatchObject(failed);
    await expect(app.stop()).resolves.toBeUndefined(); // the error is reported once
  });
});

describe('startTestApp and uncaught errors', () => {
  it('plays an uncaught error to the app, which stops and sets exit code 1, without touching the process', async () => {
    const boom = new Error('boom');
    app = await startTestApp(appContainer([fakeServer({ name: 'api' })]));
    const exitCode = process.exitCode;

    expect(app.uncaughtErrors.emit(boom)).toBe(true);

    await expect(app.run).rejects.toMatchObject({ code: KratosErrorCode.UncaughtError, cause: boom });
    expect(app.exitCodes).toEqual([1]);
    expect(process.exitCode).toBe(exitCode);
    await expect(app.stop()).rejects.toMatchObject({ code: KratosErrorCode.UncaughtError });
  });
});

describe('startTestApp refusals and failures', () => {
  it("rejects with run()'s own error when the start fails, and leaves nothing running", async () => {
    const cause = new Error('listen EADDRINUSE');
    const other = fakeServer({ name: 'other' });
    const error: unknown = await startTestApp(
      appContainer([other, fakeServer({ name: 'broken', start: cause })]),
    ).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: KratosErrorCode.StartFailed, cause });
    expect(other.stops).toHaveLength(1);
    expect(openTestApps()).toEqual([]);
  });

  it('loads nothing: a container without the kernel module is refused with a clear error', async () => {
    const container = new Container();
    container.bind(SERVER).toConstantValue(fakeServer());
    await expect(startTestApp(container)).rejects.toMatchObject({
      code: TestingErrorCode.NoKernel,
      message: expect.stringContaining('container.load(kratosModule)'),
    });
  });

  it('stops an app that advertises a non-loopback endpoint, and says how to fix it', async () => {
    const edge = fakeServer({ name: 'edge', endpoint: 'http://10.0.0.5:8000' });
    const registry = recordingRegistrar();
    const container = appContainer([edge]);
    container.bind(REGISTRAR).toConstantValue(registry);

    const error: unknown = await startTestApp(container).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: TestingErrorCode.NotLoopback });
    expect((error as Error).message).toContain(
      'http://10.0.0.5:8000 (host 10.0.0.5 is not a loopback address)',
    );
    expect((error as Error).message).toContain("host '127.0.0.1' and port 0");
    expect(edge.stops).toHaveLength(1);
    expect(registry.calls.map((c) => c.op)).toEqual(['register', 'deregister']);
    expect(container.get(LifecycleKernel).state).toBe('stopped');
  });

  it('stops an app on a port the OS cannot have chosen, unless fixed ports are allowed', async () => {
    const fixed = (): TransportServer => fakeServer({ name: 'fixed', endpoint: 'http://127.0.0.1:8000' });

    await expect(startTestApp(appContainer([fixed()]))).rejects.toMatchObject({
      code: TestingErrorCode.FixedPort,
      message: expect.stringContaining('port 8000 is outside'),
    });

    app = await startTestApp(appContainer([fixed()]), { allowFixedPorts: true });
    expect(app.endpoint('http')).toBe('http://127.0.0.1:8000');
  });

  it('accepts servers without a port or host (fake://127.0.0.1/name, unix sockets)', async () => {
    app = await startTestApp(
      appContainer([fakeServer({ name: 'a' }), fakeServer({ name: 'b', endpoint: 'unix:///tmp/b.sock' })]),
    );
    expect(app.app.endpoints).toEqual(['fake://127.0.0.1/a', 'unix:///tmp/b.sock']);
    expect(app.endpoint('fake:')).toBe('fake://127.0.0.1/a');
  });

  it('rejects with KRATOS_TESTING_NOT_RUNNING when the app is stopped while starting', async () => {
    const container = new Container();
    container.bind(KRATOS_OPTIONS).toConstantValue({
      name: 'svc',
      beforeStart: [
        async () => {
          await Promise.resolve();
          void container.get(LifecycleKernel).stop('changed my mind');
        },
      ],
    } satisfies KratosOptions);
    container.load(createKratosModule());
    await expect(startTestApp(container)).rejects.toMatchObject({ code: TestingErrorCode.NotRunning });
  });

  it('names the endpoints there are when asked for a scheme the app has none of', async () => {
    app = await startTestApp(appContainer([hello()]));
    expect(() => app?.endpoint('grpc')).toThrow(
      expect.objectContaining({
        code: TestingErrorCode.NoEndpoint,
        message: expect.stringContaining(`no grpc:// endpoint; it registered ${app.endpoint('http')}`),
      }),
    );
  });

  it("keeps the app's own LOGGER", async () => {
    const logger = recordingLogger();
    const container = appContainer([fakeServer()]);
    container.bind(LOGGER).toConstantValue(logger);
    app = await startTestApp(container);
    expect(app.logs).toEqual([]);
    expect(logger.messages('info').some((msg) => msg.includes('running'))).toBe(true);
  });

  it('refuses a second start from the same container, and a kernel resolved before it', async () => {
    const container = appContainer([fakeServer()]);
    app = await startTestApp(container);
    await expect(startTestApp(container)).rejects.toMatchObject({
      code: TestingErrorCode.TooLate,
      message: expect.stringContaining('Build a new container for each app'),
    });

    const early = appContainer([fakeServer()]);
    early.get(LifecycleKernel);
    await expect(startTestApp(early)).rejects.toMatchObject({
      code: TestingErrorCode.TooLate,
      message: expect.stringContaining('was resolved before startTestApp()'),
    });
  });
});
