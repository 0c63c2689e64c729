import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { getKey, leaseTtl, waitFor } from '../support/etcd-http.js';

// Issue 13, "alive but invisible": two registries holding the same instance id (a fixed id, or a
// restarted process whose old registration lives on). When one deregisters it revokes its lease,
// which deletes the shared key; the other stayed alive, kept its lease alive, and was absent from
// etcd for good, because it only ever reacted to the loss of its own lease.
const TTL = 2;
const TTL_MS = TTL * 1_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const instance = (endpoint: string): ServiceInstance => ({
  id: 'fixed-id',
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: [endpoint],
});
const KEY = '/microservices/greeter/fixed-id';

const { etcd, newRegistry } = useEtcdSuite(TTL);

describe('Issue 13: alive but invisible (two registries with the same instance id)', () => {
  it('when one deregisters, the other puts the key back, on its own lease, within its ttl', async () => {
    const older = newRegistry();
    const newer = newRegistry();
    await older.register(instance('http://127.0.0.1:8001'));
    const olderLease = (await getKey(etcd().url, KEY))!.lease;
    await newer.register(instance('http://127.0.0.1:8002'));
    expect((await getKey(etcd().url, KEY))?.lease).not.toBe(olderLease);

    await newer.deregister(instance('http://127.0.0.1:8002'));
    const took = await waitFor(
      async () => (await getKey(etcd().url, KEY))?.lease === olderLease,
      TTL_MS,
      'the key back on the older registry lease',
    );
    process.stdout.write(`[measured] key put back after the other registry deregistered: ${took} ms\n`);
    const stored = await getKey(etcd().url, KEY);
    expect(JSON.parse(stored!.value)).toMatchObject({ endpoints: ['http://127.0.0.1:8001'] });
    // …and it stays: the lease under it is the one kept alive.
    await sleep(TTL_MS + 1_000);
    expect((await getKey(etcd().url, KEY))?.lease).toBe(olderLease);
    expect((await leaseTtl(etcd().url, olderLease!)).ttl).toBeGreaterThan(0);
  });

  it('when the one whose lease does not hold the key deregisters, the key stays as it is', async () => {
    const older = newRegistry();
    const newer = newRegistry();
    await older.register(instance('http://127.0.0.1:8001'));
    await newer.register(instance('http://127.0.0.1:8002'));
    const newerLease = (await getKey(etcd().url, KEY))!.lease;
    await older.deregister(instance('http://127.0.0.1:8001'));
    await sleep(500);
    expect((await getKey(etcd().url, KEY))?.lease).toBe(newerLease);
  });

  it('both alive: neither takes the key from the other (no tug of war)', async () => {
    const older = newRegistry();
    const newer = newRegistry();
    await older.register(instance('http://127.0.0.1:8001'));
    await newer.register(instance('http://127.0.0.1:8002'));
    const newerLease = (await getKey(etcd().url, KEY))!.lease;
    await sleep(TTL_MS + 1_000);
    expect((await getKey(etcd().url, KEY))?.lease).toBe(newerLease);
  });

  it('a deliberate deregister is not fought: the key stays gone', async () => {
    const registry = newRegistry();
    await registry.register(instance('http://127.0.0.1:8001'));
    await registry.deregister(instance('http://127.0.0.1:8001'));
    await sleep(TTL_MS + 500);
    expect(await getKey(etcd().url, KEY)).toBeUndefined();
  });
});
