import { afterEach, describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { createServer, type Server, type Socket } from 'node:net';
import { EtcdRegistry } from '../../src/index.js';

// Issue 17: the failover retry of an etcd request reused the first attempt's deadline, already
// expired (`DEADLINE_EXCEEDED after 0.000s`), so with etcd not answering a request failed after 1×
// requestTimeout, not the (hosts + 1)× the options doc promises: the failover never really ran.
const REQUEST_TIMEOUT = 400;
const instance: ServiceInstance = {
  id: 'deadline-1',
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A TCP server that accepts connections and never answers: every call to it runs to its deadline. */
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

async function failure(call: Promise<unknown>): Promise<{ took: number; error: Error }> {
  const started = Date.now();
  const error = await call.then(
    () => new Error('expected a failure'),
    (e: unknown) => e as Error,
  );
  return { took: Date.now() - started, error };
}

describe('Issue 17 defect: the failover retry reuses an expired deadline', () => {
  it('register: each of the two attempts on one host runs for its own requestTimeout', async () => {
    const registry = new EtcdRegistry({
      hosts: [await blackHole()],
      ttl: 2,
      requestTimeout: REQUEST_TIMEOUT,
    });
    cleanups.push(() => registry.close());
    // Without a signal, register makes one attempt (and its one failover retry), then fails.
    const { took, error } = await failure(registry.register(instance));
    process.stdout.write(
      `[measured] register against a silent etcd failed after ${took} ms (requestTimeout ${REQUEST_TIMEOUT})\n`,
    );
    expect(error.message).not.toContain('0.000s');
    expect(took).toBeGreaterThanOrEqual(2 * REQUEST_TIMEOUT - 20);
  });

  it('getService: each of the two attempts on one host runs for its own requestTimeout', async () => {
    const registry = new EtcdRegistry({
      hosts: [await blackHole()],
      ttl: 2,
      requestTimeout: REQUEST_TIMEOUT,
    });
    cleanups.push(() => registry.close());
    const { took, error } = await failure(registry.getService('greeter'));
    process.stdout.write(
      `[measured] getService against a silent etcd failed after ${took} ms (requestTimeout ${REQUEST_TIMEOUT})\n`,
    );
    expect(error.message).not.toContain('0.000s');
    expect(took).toBeGreaterThanOrEqual(2 * REQUEST_TIMEOUT - 20);
  });
});
