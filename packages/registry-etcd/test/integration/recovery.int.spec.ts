import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { recordingLogger, type RecordingLogger } from '@kratos-ts/testing';
import { EtcdRegistry } from '../../src/index.js';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';
import { getKey, leaseTtl, revokeLease, waitFor } from '../support/etcd-http.js';

const TTL = 2;
/** The recovery bound the registry promises: the instance is back within ttl + 3 s. */
const RECOVERY_MS = (TTL + 3) * 1_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const instance = (id: string): ServiceInstance => ({
  id,
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
});

let etcd: EtcdProcess;
let registry: EtcdRegistry | undefined;
let logger: RecordingLogger;
const newRegistry = (): EtcdRegistry => {
  logger = recordingLogger();
  registry = new EtcdRegistry({ hosts: [etcd.url], ttl: TTL, logger });
  return registry;
};
const leaseOf = async (key: string): Promise<string | undefined> => (await getKey(etcd.url, key))?.lease;

beforeAll(async () => {
  etcd = await startEtcd();
});
afterEach(async () => {
  await registry?.close();
  registry = undefined;
});
afterAll(async () => {
  await etcd?.dispose();
});

describe('EtcdRegistry against a real etcd: recovery', () => {
  it('a lease revoked out of band is re-granted and the key put again within ttl + 3 s', async () => {
    const key = '/microservices/greeter/revoked';
    await newRegistry().register(instance('revoked'));
    const original = (await leaseOf(key))!;
    await revokeLease(etcd.url, original);
    expect(await getKey(etcd.url, key)).toBeUndefined();
    const took = await waitFor(
      async () => ((await leaseOf(key)) ?? original) !== original,
      RECOVERY_MS,
      'key re-put on a new lease',
    );
    process.stdout.write(
      `[measured] re-registration after an out-of-band lease revoke: ${took} ms (bound ${RECOVERY_MS} ms)\n`,
    );
    expect(took).toBeLessThan(RECOVERY_MS);
    expect(logger.messages('warn').some((m) => m.startsWith(`Lease ${original} of "${key}" was lost`))).toBe(
      true,
    );
    expect(logger.messages('info').some((m) => m.startsWith(`"${key}" is registered again`))).toBe(true);
    // …and the new lease is kept alive.
    await sleep(TTL * 1_000 + 1_000);
    const lease = await leaseOf(key);
    expect(lease).toBeDefined();
    expect((await leaseTtl(etcd.url, lease!)).ttl).toBeGreaterThan(0);
  });

  it('etcd stopped and started again on the same data dir: the instance is present and kept alive, with no app action', async () => {
    const key = '/microservices/greeter/restart';
    await newRegistry().register(instance('restart'));
    await etcd.stop();
    await sleep(TTL * 1_000 + 500);
    await etcd.start();
    // etcd restores (and extends) leases from disk: only a key still there after 2 more TTLs is kept alive.
    await sleep(2 * TTL * 1_000 + 1_000);
    const lease = await leaseOf(key);
    expect(lease).toBeDefined();
    expect((await leaseTtl(etcd.url, lease!)).ttl).toBeGreaterThan(0);
  });

  it('etcd down for longer than the ttl: re-registered on a new lease within ttl + 3 s of its return', async () => {
    const key = '/microservices/greeter/outage';
    await newRegistry().register(instance('outage'));
    const original = (await leaseOf(key))!;
    await etcd.stop();
    // Longer than 2 × ttl: etcd3 gives the lease up as lost while etcd is away.
    await sleep(2 * TTL * 1_000 + 2_000);
    await etcd.start();
    const took = await waitFor(
      async () => ((await leaseOf(key)) ?? original) !== original,
      RECOVERY_MS,
      'key re-put on a new lease',
    );
    process.stdout.write(
      `[measured] re-registration after etcd was down ${2 * TTL + 2} s: ${took} ms after its return (bound ${RECOVERY_MS} ms)\n`,
    );
    expect(took).toBeLessThan(RECOVERY_MS);
    expect(
      logger.messages('warn').filter((m) => m.startsWith(`Re-registering "${key}" failed`)).length,
    ).toBeGreaterThan(0);
    // The old lease restored by etcd expires; the key stays, on the kept-alive new lease.
    await sleep(TTL * 1_000 + 1_000);
    const lease = await leaseOf(key);
    expect(lease).toBeDefined();
    expect(lease).not.toBe(original);
    expect((await leaseTtl(etcd.url, lease!)).ttl).toBeGreaterThan(0);
  });
});
