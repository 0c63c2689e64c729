import { afterEach, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { Server } from '@kratos-ts/core';
import { startTestApp, type TestApp } from '@kratos-ts/testing';
import { inject } from 'inversify';
import { GrpcServer } from '../src/index.js';
import {
  Greeter,
  GreeterService,
  greeterClient,
  sayHello,
  type GreeterClient,
  type HelloReply,
} from './support/greeter.js';
import { greeterApp } from './support/greeter-app.js';

const clients: GreeterClient[] = [];
const standalone: GrpcServer[] = [];
let app: TestApp | undefined;

function client(port: number | undefined): GreeterClient {
  if (port === undefined) throw new Error('the server has no port: not started');
  const made = greeterClient(port);
  clients.push(made);
  return made;
}

afterEach(async () => {
  for (const made of clients.splice(0)) made.close();
  await app?.stop('test over');
  app = undefined;
  await Promise.all(standalone.splice(0).map((server) => server.stop(AbortSignal.abort())));
});

describe('GrpcServer under the kernel (real client and server on 127.0.0.1)', () => {
  it('serves a unary call whose reply includes AppInfo fields of the injected service', async () => {
    const under = greeterApp();
    app = await startTestApp(under.container);

    const reply = await sayHello(client(under.grpc().port), { name: 'Ada' });

    expect(reply).toEqual({
      message: 'Hello Ada',
      appName: 'greeter-app',
      appVersion: '1.2.3',
      appId: 'instance-1',
    } satisfies HelloReply);
  });

  it('reports the OS-chosen port in endpoint() and registers it when port is 0', async () => {
    const under = greeterApp();
    app = await startTestApp(under.container);

    const port = under.grpc().port;
    expect(port).toBeGreaterThan(0);
    expect(under.grpc().endpoint()).toBe(`grpc://127.0.0.1:${port}`);
    const [instance] = await under.registry.getService('greeter-app');
    expect(instance?.endpoints).toEqual([`grpc://127.0.0.1:${port}`]);
    await expect(sayHello(client(port), { name: 'port' })).resolves.toMatchObject({ message: 'Hello port' });
  });

  it('lets an in-flight unary call of 200 ms complete during stop, then refuses calls', async () => {
    const under = greeterApp({ options: { stopTimeout: 5_000 } });
    app = await startTestApp(under.container);
    const greeter = client(under.grpc().port);
    await sayHello(greeter, { name: 'warm-up' }); // the connection is up before the stop

    const startedAt = performance.now();
    const slow = sayHello(greeter, { name: 'slow', delayMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the call is in flight on the server
    const stopped = app.stop('test');

    await expect(slow).resolves.toMatchObject({ message: 'Hello slow' });
    const lateClient = client(under.grpc().port);
    await stopped;
    const stopMs = performance.now() - startedAt;
    await expect(app.run).resolves.toBeUndefined();
    expect(stopMs).toBeGreaterThanOrEqual(190);
    expect(stopMs).toBeLessThan(2_000);
    const serverStop = app.events.find(({ event }) => event.type === 'server-stop')?.event;
    expect(serverStop).toMatchObject({ status: 'ok' });
    await expect(sayHello(lateClient, { name: 'late' })).rejects.toMatchObject({
      code: GrpcStatus.UNAVAILABLE,
    });
  });

  it('cancels a server-streaming call still open at stopTimeout, and stop resolves', async () => {
    const stopTimeout = 300;
    const under = greeterApp({ options: { stopTimeout } });
    app = await startTestApp(under.container);
    const stream = client(under.grpc().port).streamHellos({ name: 'endless', intervalMs: 20 });
    const received: HelloReply[] = [];
    const ended = new Promise<ServiceError | undefined>((resolve) => {
      stream.on('data', (reply: HelloReply) => received.push(reply));
      stream.on('error', (error: ServiceError) => resolve(error));
      stream.on('end', () => resolve(undefined));
    });
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));

    const stopAt = performance.now();
    await app.stop('test');
    const stopMs = performance.now() - stopAt;

    const error = await ended;
    expect(error?.code).toBe(GrpcStatus.CANCELLED);
    expect(under.greeter().cancelledStreams).toBe(1);
    expect(received.length).toBeGreaterThan(0);
    expect(stopMs).toBeGreaterThanOrEqual(stopTimeout - 10);
    expect(stopMs).toBeLessThan(stopTimeout + 1_000); // settled before the kernel would abandon it
    await expect(app.run).resolves.toBeUndefined();
    const serverStop = app.events.find(({ event }) => event.type === 'server-stop')?.event;
    expect(serverStop).toMatchObject({ type: 'server-stop', status: 'timeout' });
  });

  it('runs as a @Server() subclass whose services are injected', async () => {
    @Server({ name: 'greeter-grpc', stopTimeout: 2_000 })
    class GreeterGrpcServer extends GrpcServer {
      constructor(@inject(Greeter) greeter: Greeter) {
        super({
          host: '127.0.0.1',
          port: 0,
          services: [{ definition: GreeterService, implementation: greeter }],
        });
      }
    }
    const subclassApp = greeterApp({ serverClass: GreeterGrpcServer });
    app = await startTestApp(subclassApp.container);

    const reply = await sayHello(client(subclassApp.grpc().port), { name: 'sub' });

    expect(reply).toMatchObject({ message: 'Hello sub', appName: 'greeter-app' });
    expect(subclassApp.grpc()).toBeInstanceOf(GreeterGrpcServer);
    expect(app.events).toContainEqual(
      expect.objectContaining({
        event: expect.objectContaining({ type: 'server-start', server: 'greeter-grpc' }),
      }),
    );
  });
});
