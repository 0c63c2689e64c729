import { describe, expect, it } from '@jest/globals';
import type { Logger, ServiceInstance } from '@kratos-ts/core';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { EtcdRegistry } from '../../src/index.js';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { deleteKey, getKey, putKey, revokeLease, waitFor } from '../support/etcd-http.js';

// Issue 3 (the registrar's part): a logger whose methods throw (a broken destination, a failing
// serializer) broke the registrar: register rejected after storing the key (and left its keepalive
// running), a re-registration died in its retry log, a watch threw inside etcd3's event handler.
const TTL = 2;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const instance = (id: string): ServiceInstance => ({
  id,
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
});

/** A logger every method of which throws, counting the calls. */
function throwingLogger(): Logger & { calls: () => number } {
  let calls = 0;
  const fail = (): never => {
    calls += 1;
    throw new Error('log destination is broken');
  };
  return { debug: fail, info: fail, warn: fail, error: fail, calls: () => calls };
}

const { etcd } = useEtcdSuite(TTL);

describe('Issue 3: a logger that throws never breaks the registrar', () => {
  it('register, keepalive, repair, re-registration, watch, deregister and close all work', async () => {
    const logger = throwingLogger();
    const registry = new EtcdRegistry({ hosts: [etcd().url], ttl: TTL, logger });
    const key = '/microservices/greeter/t1';
    try {
      await registry.register(instance('t1'));
      const { lease } = (await getKey(etcd().url, key))!;

      // Keepalive: the key outlives its ttl.
      await sleep(TTL * 1_000 + 500);
      expect((await getKey(etcd().url, key))?.lease).toBe(lease);

      // Repair of an out-of-band delete.
      await deleteKey(etcd().url, key);
      await waitFor(
        async () => (await getKey(etcd().url, key))?.lease === lease,
        TTL * 1_000,
        'key put back',
      );

      // Re-registration after an out-of-band revoke.
      await revokeLease(etcd().url, lease!);
      await waitFor(
        async () => ((await getKey(etcd().url, key))?.lease ?? lease) !== lease,
        TTL * 1_000 + 3_000,
        'key on a new lease',
      );

      // Watch, including a value that is not an instance (which is logged).
      const lists = firstValueFrom(
        registry.watch('greeter').pipe(
          filter((list) => list.length === 2),
          take(1),
          toArray(),
        ),
      );
      await putKey(etcd().url, '/microservices/greeter/garbage', 'not json');
      await registry.register(instance('t2'));
      expect((await lists)[0]!.map((i) => i.id).sort()).toEqual(['t1', 't2']);

      // Deregister.
      await registry.deregister(instance('t2'));
      expect(await getKey(etcd().url, '/microservices/greeter/t2')).toBeUndefined();
    } finally {
      // close() deregisters t1.
      await registry.close();
    }
    expect(await getKey(etcd().url, key)).toBeUndefined();
    expect(logger.calls()).toBeGreaterThan(0);
  });

  it('close() resolves when its failed-deregister warning throws', async () => {
    const logger = throwingLogger();
    const registry = new EtcdRegistry({ hosts: [etcd().url], ttl: TTL, logger, requestTimeout: 500 });
    await registry.register(instance('t3'));
    await etcd().stop();
    try {
      await expect(registry.close()).resolves.toBeUndefined();
    } finally {
      await etcd().start();
    }
  });
});
