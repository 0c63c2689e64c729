import { afterEach, describe, expect, it } from '@jest/globals';
import {
  KRATOS_OPTIONS,
  LifecycleKernel,
  REGISTRAR,
  SERVER,
  kratosModule,
  type TransportServer,
} from '@kratos-ts/core';
import { startTestApp } from '@kratos-ts/testing';
import { Container } from 'inversify';
import { createServer, type Server, type Socket } from 'node:net';
import { EtcdErrorCode, EtcdRegistry } from '../../src/index.js';
import { freePort } from '../../../bench/src/fleet/etcd-process.js';

const instance = {
  id: 'down-1',
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
};
const REGISTRAR_TIMEOUT = 10_000;
const KERNEL_REGISTRAR_TIMEOUT = 1_500;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));
/** How many handles of each type (timers, sockets…) this process holds. */
const handles = (): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
};
/** The handle types `after` holds more of than `before`. */
const added = (before: Map<string, number>, after: Map<string, number>): string[] =>
  [...after]
    .filter(([type, count]) => count > (before.get(type) ?? 0))
    .map(([type, count]) => `${type} ×${count - (before.get(type) ?? 0)}`);

/** A TCP server that accepts connections and never answers, like a host behind a black hole. */
async function blackHole(): Promise<string> {
  const sockets = new Set<Socket>();
  const hole: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hole.close(() => resolve()));
  });
  const address = hole.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('EtcdRegistry with etcd down at start', () => {
  it('without a signal, register fails at once with a coded error naming the hosts; close leaves nothing running', async () => {
    const before = handles();
    const url = `http://127.0.0.1:${await freePort()}`;
    const registry = new EtcdRegistry({ hosts: [url], ttl: 2 });
    cleanups.push(() => registry.close());
    const started = Date.now();
    // Only a signal bounds a wait for etcd: without one there is no retry.
    const error = await registry.register(instance).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(Date.now() - started).toBeLessThan(REGISTRAR_TIMEOUT);
    expect(error?.code).toBe(EtcdErrorCode.Unavailable);
    expect(error?.message).toContain(url);
    expect(error?.message).toContain('/microservices/greeter/down-1');
    expect(error?.message).toContain('Check that etcd runs');
    await registry.close();
    await settle();
    expect(added(before, handles())).toEqual([]);
  });

  it('an etcd that accepts connections but never answers: register retries, then gives up at its signal naming the last cause', async () => {
    // TCP accepted, no HTTP/2 answer: gRPC alone would wait 20 s to connect, and etcd3 retry on top.
    const url = await blackHole();
    const registry = new EtcdRegistry({ hosts: [url], ttl: 2, requestTimeout: 300 });
    cleanups.push(() => registry.close());
    const deadline = 2_000;
    const started = Date.now();
    await expect(registry.register(instance, AbortSignal.timeout(deadline))).rejects.toMatchObject({
      code: EtcdErrorCode.Unavailable,
      message: expect.stringMatching(
        new RegExp(`^Gave up registering .*failed attempt.*${url}.*DEADLINE_EXCEEDED`),
      ),
    });
    const took = Date.now() - started;
    process.stdout.write(
      `[measured] register against an unresponsive etcd gave up after ${took} ms (its signal: ${deadline} ms)\n`,
    );
    expect(took).toBeLessThan(REGISTRAR_TIMEOUT);
    await registry.close();
  });

  it('an aborted signal ends register at once with KRATOS_ETCD_ABORTED', async () => {
    const registry = new EtcdRegistry({ hosts: [await blackHole()], ttl: 2 });
    cleanups.push(() => registry.close());
    const started = Date.now();
    await expect(registry.register(instance, AbortSignal.timeout(200))).rejects.toMatchObject({
      code: EtcdErrorCode.Aborted,
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    await registry.close();
  });

  it('the kernel rolls back: past registrarTimeout, run() fails naming the last cause and every server is stopped', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const registry = new EtcdRegistry({ hosts: [url], ttl: 2 });
    cleanups.push(() => registry.close());
    const calls: string[] = [];
    const server: TransportServer = {
      name: 'trivial',
      start: async () => void calls.push('start'),
      stop: async () => void calls.push('stop'),
    };
    const container = new Container();
    container
      .bind(KRATOS_OPTIONS)
      .toConstantValue({ name: 'greeter', version: 'v1', registrarTimeout: KERNEL_REGISTRAR_TIMEOUT });
    container.bind(SERVER).toConstantValue(server);
    container.bind(REGISTRAR).toConstantValue(registry);
    container.load(kratosModule);
    const started = Date.now();
    const failure = await startTestApp(container).then(
      (app) => void cleanups.push(() => app.stop()),
      (e: unknown) => e as Error & { code?: string; cause?: { code?: string; message?: string } },
    );
    expect(Date.now() - started).toBeLessThan(REGISTRAR_TIMEOUT);
    // Retried until registrarTimeout, then the kernel's timeout error carries the registrar's.
    expect(failure?.code).toBe('KRATOS_REGISTER_TIMEOUT');
    expect(failure?.cause?.code).toBe(EtcdErrorCode.Unavailable);
    expect(failure?.cause?.message).toContain(url);
    expect(calls).toEqual(['start', 'stop']);
    expect(container.get(LifecycleKernel).state).toBe('failed');
    await registry.close();
  });
});
