import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { EtcdRegistry } from '../../src/index.js';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';
import { getKey } from '../support/etcd-http.js';
import { etcdPid } from '../support/etcd-pid.js';

// Issue 17: etcd resumed after 57 s frozen (SIGSTOP) expired every lease at once; the clients'
// node list went from 3 to 0 in 20 ms and the healthy instances re-registered only 1.1–1.5 s later,
// because each registrar was waiting out its backoff (capped at 2 s) although etcd answered
// again: longer than discovery's emptyGrace (1 s), so calls failed KRATOS_NO_INSTANCES.
const TTL = 2;
/** A long backoff, so a registrar that waits it out is unmistakable. */
const BACKOFF_MS = 4_000;
const key = '/microservices/greeter/frozen';
const instance: ServiceInstance = {
  id: 'frozen',
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let etcd: EtcdProcess;
let pid: number | undefined;
let registry: EtcdRegistry | undefined;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterEach(async () => {
  if (pid !== undefined) process.kill(pid, 'SIGCONT');
  await registry?.close();
});
afterAll(async () => {
  await etcd?.dispose();
});

async function until(probe: () => boolean | Promise<boolean>, timeout: number, what: string): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('Issue 17 defect: a mass expiry leaves a gap of a whole backoff wait', () => {
  it('etcd frozen past the ttl, resumed while the registrar waits out its backoff: re-registered at once', async () => {
    const logger = recordingLogger();
    registry = new EtcdRegistry({
      hosts: [etcd.url],
      ttl: TTL,
      requestTimeout: 500,
      backoff: { initial: BACKOFF_MS, max: BACKOFF_MS, jitter: 0 },
      logger,
    });
    await registry.register(instance);
    const original = (await getKey(etcd.url, key))?.lease;
    expect(original).toBeDefined();

    pid = etcdPid(etcd);
    process.kill(pid, 'SIGSTOP');
    const frozenAt = Date.now();
    // etcd3 gives the lease up after 2 × ttl without a keepalive; the first re-grant is immediate and
    // times out; then the registrar waits BACKOFF_MS before the next one.
    await until(
      () => logger.messages('warn').some((m) => m.includes(`attempt 2 in ${BACKOFF_MS} ms`)),
      20_000,
      'the registrar to wait out its backoff',
    );
    await sleep(300);
    expect(Date.now() - frozenAt).toBeGreaterThan(TTL * 1_000);

    const resumedAt = Date.now();
    process.kill(pid, 'SIGCONT');
    pid = undefined;
    await until(
      async () => {
        const lease = (await getKey(etcd.url, key))?.lease;
        return lease !== undefined && lease !== original;
      },
      BACKOFF_MS + 5_000,
      'the key back on a new lease',
    );
    const gap = Date.now() - resumedAt;
    process.stdout.write(
      `[measured] re-registered ${gap} ms after etcd resumed from a ${resumedAt - frozenAt} ms freeze (ttl ${TTL} s; backoff wait ${BACKOFF_MS} ms; discovery emptyGrace 1000 ms)\n`,
    );
    // Waiting out the backoff would take the rest of BACKOFF_MS (about 3.7 s from the resume).
    expect(gap).toBeLessThan(BACKOFF_MS - 1_000);
  });
});
