import { afterEach, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { LifecycleKernel, type HookContext } from '@kratos-ts/core';
import { fakeKernelView, startTestApp, type TestApp } from '@kratos-ts/testing';
import { GrpcServer } from '../src/index.js';
import {
  checkHealth,
  GreeterService,
  greeterClient,
  healthClient,
  sayHello,
  type GreeterClient,
  type HealthClient,
} from './support/greeter.js';
import { greeterApp, type GreeterApp } from './support/greeter-app.js';

const clients: (GreeterClient | HealthClient)[] = [];
const standalone: GrpcServer[] = [];
let app: TestApp | undefined;

function track<T extends GreeterClient | HealthClient>(made: T): T {
  clients.push(made);
  return made;
}

function portOf(server: GrpcServer): number {
  if (server.port === undefined) throw new Error('the server has no port: not started');
  return server.port;
}

/** Records what a Watch stream receives, with `performance.now()`, and how it ends. */
function record(stream: ClientReadableStream<{ status: string }>) {
  const seen: { status: string; at: number }[] = [];
  const waiters: { status: string; resolve: (at: number) => void }[] = [];
  stream.on('data', ({ status }: { status: string }) => {
    const at = performance.now();
    seen.push({ status, at });
    for (const waiter of waiters.filter((w) => w.status === status)) waiter.resolve(at);
  });
  const ended = new Promise<{ code: number; at: number }>((resolve) => {
    stream.on('error', (error: ServiceError) => resolve({ code: error.code, at: performance.now() }));
    stream.on('status', ({ code }: { code: number }) => resolve({ code, at: performance.now() }));
  });
  return {
    seen,
    ended,
    /** Resolves with the time `status` arrived (at once if it already did). */
    when: (status: string): Promise<number> => {
      const already = seen.find((s) => s.status === status);
      if (already) return Promise.resolve(already.at);
      return new Promise((resolve) => waiters.push({ status, resolve }));
    },
  };
}

afterEach(async () => {
  for (const made of clients.splice(0)) made.close();
  await app?.stop('test over');
  app = undefined;
  await Promise.all(standalone.splice(0).map((server) => server.stop(AbortSignal.abort())));
});

describe('gRPC health follows the kernel state', () => {
  it('turns a Watch from SERVING to NOT_SERVING at the first instant of stopping, before drainDelay ends and while the listener still serves', async () => {
    const drainDelay = 300;
    const under = greeterApp({ options: { drainDelay, stopTimeout: 5_000 } });
    const started = await startTestApp(under.container);
    app = started;
    const port = portOf(under.grpc());
    const health = track(healthClient(port));
    const overall = record(health.watch({ service: '' }));
    const greeterHealth = record(health.watch({ service: 'greeter.v1.Greeter' }));
    await Promise.all([overall.when('SERVING'), greeterHealth.when('SERVING')]);

    const stopRequestedAt = performance.now();
    const stopped = started.stop('test');
    const notServingAt = await overall.when('NOT_SERVING');
    // The listener is still open: a call on a brand-new connection succeeds after NOT_SERVING.
    const callDuringDrain = await sayHello(track(greeterClient(port)), { name: 'draining' });
    const callDoneAt = performance.now();
    await stopped;
    await expect(started.run).resolves.toBeUndefined();

    const at = (type: string): number => started.events.find(({ event }) => event.type === type)!.at;
    const stoppingAt = started.events.find(
      ({ event }) => event.type === 'state' && event.state === 'stopping',
    )!.at;
    expect(overall.seen.map((s) => s.status)).toEqual(['SERVING', 'NOT_SERVING']);
    expect(greeterHealth.seen.map((s) => s.status)).toEqual(['SERVING', 'NOT_SERVING']);
    expect(callDuringDrain.message).toBe('Hello draining');
    expect(notServingAt).toBeGreaterThanOrEqual(stoppingAt);
    expect(notServingAt - stopRequestedAt).toBeLessThan(drainDelay / 2);
    expect(callDoneAt).toBeLessThan(at('drain'));
    expect(notServingAt).toBeLessThan(at('drain'));
    expect(at('drain') - stopRequestedAt).toBeGreaterThanOrEqual(drainDelay - 10);
    // The Watch streams were ended (OK) by stop(), after NOT_SERVING, and did not hold the stop.
    const end = await overall.ended;
    expect(end.code).toBe(GrpcStatus.OK);
    expect((await greeterHealth.ended).code).toBe(GrpcStatus.OK);
    expect(end.at).toBeGreaterThan(at('drain'));
    const serverStop = started.events.find(({ event }) => event.type === 'server-stop')?.event;
    expect(serverStop).toMatchObject({ status: 'ok' });
    expect(at('server-stop') - at('drain')).toBeLessThan(1_000);
  });

  it('ends open Watch streams on stop so that they do not hold the graceful stop until stopTimeout', async () => {
    const stopTimeout = 5_000;
    const under = greeterApp({ options: { stopTimeout } });
    app = await startTestApp(under.container);
    const watch = record(track(healthClient(portOf(under.grpc()))).watch({ service: '' }));
    await watch.when('SERVING');

    const stopAt = performance.now();
    await app.stop('test');

    expect(performance.now() - stopAt).toBeLessThan(1_000);
    expect((await watch.ended).code).toBe(GrpcStatus.OK);
    expect(under.grpc().health.openWatches).toBe(0);
    const serverStop = app.events.find(({ event }) => event.type === 'server-stop')?.event;
    expect(serverStop).toMatchObject({ status: 'ok' });
  });

  it('reports NOT_SERVING while the kernel is still starting (servers bound, afterStart hooks running)', async () => {
    let duringStart: string | undefined;
    let kernelStateDuringStart: string | undefined;
    const under: GreeterApp = greeterApp({
      options: {
        afterStart: [
          async (_ctx: HookContext) => {
            kernelStateDuringStart = under.container.get(LifecycleKernel).state;
            duringStart = await checkHealth(track(healthClient(portOf(under.grpc()))), '');
          },
        ],
      },
    });
    app = await startTestApp(under.container);

    const running = await checkHealth(track(healthClient(portOf(under.grpc()))), 'greeter.v1.Greeter');

    expect(kernelStateDuringStart).toBe('starting');
    expect(duringStart).toBe('NOT_SERVING');
    expect(running).toBe('SERVING');
  });
});

describe('gRPC health from the KernelView handed to attachKernel', () => {
  it('flips every status synchronously with the state$ emission, for "" and each registered service', async () => {
    const kernel = fakeKernelView({ state: 'idle' });
    const server = new GrpcServer({
      host: '127.0.0.1',
      port: 0,
      services: [{ definition: GreeterService, implementation: {} }],
    });
    standalone.push(server);
    server.attachKernel(kernel);
    const statuses = (): (string | undefined)[] => [
      server.health.statusOf(''),
      server.health.statusOf('greeter.v1.Greeter'),
    ];

    kernel.enter('starting');
    await server.start(new AbortController().signal);
    const whileStarting = statuses();
    kernel.enter('running');
    const whileRunning = statuses();
    kernel.enter('stopping');
    const atStopping = statuses();

    expect(whileStarting).toEqual(['NOT_SERVING', 'NOT_SERVING']);
    expect(whileRunning).toEqual(['SERVING', 'SERVING']);
    expect(atStopping).toEqual(['NOT_SERVING', 'NOT_SERVING']);
  });
});

describe('gRPC health without a kernel (standalone)', () => {
  it('is SERVING from the end of start() until stop(), and answers NOT_FOUND for unknown names', async () => {
    const server = new GrpcServer({ host: '127.0.0.1', port: 0 });
    server.addService(GreeterService, {
      sayHello: (_call: unknown, callback: (e: null, r: object) => void) => callback(null, {}),
      streamHellos: () => undefined,
    });
    standalone.push(server);
    expect(server.health.statusOf('')).toBe('NOT_SERVING');

    await server.start(new AbortController().signal);
    const health = track(healthClient(portOf(server)));
    const watch = record(health.watch({ service: 'greeter.v1.Greeter' }));
    await watch.when('SERVING');
    const unknown = checkHealth(health, 'no.such.Service');
    await expect(unknown).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
    await expect(checkHealth(health, '')).resolves.toBe('SERVING');

    await server.stop(new AbortController().signal);

    expect(watch.seen.map((s) => s.status)).toEqual(['SERVING', 'NOT_SERVING']);
    expect((await watch.ended).code).toBe(GrpcStatus.OK);
    expect(server.health.statusOf('')).toBe('NOT_SERVING');
  });

  it('serves no health service when health is false', async () => {
    const server = new GrpcServer({ host: '127.0.0.1', port: 0, health: false });
    standalone.push(server);
    await server.start(new AbortController().signal);

    const check = checkHealth(track(healthClient(portOf(server))), '');

    await expect(check).rejects.toMatchObject({ code: GrpcStatus.UNIMPLEMENTED });
  });
});
