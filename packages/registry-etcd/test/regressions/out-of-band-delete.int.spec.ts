import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { EtcdRegistry } from '../../src/index.js';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { deleteKey, getKey, leaseTtl, waitFor } from '../support/etcd-http.js';

// Issue 13: a live instance's key deleted out of band (an operator's `etcdctl del`, a clean-up
// script) was never put back: the registry only reacted to the loss of its lease, and the lease
// was fine. The instance kept serving, invisible, until it restarted.
const TTL = 2;
const TTL_MS = TTL * 1_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const instance = (id: string): ServiceInstance => ({
  id,
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
});

/** Runs `etcdctl del key` against `url`, as an operator would. */
function etcdctlDel(url: string, key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('etcdctl', ['--endpoints', url, 'del', key], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output.trim()) : reject(new Error(`etcdctl exited ${code}: ${output}`)),
    );
  });
}

const { etcd, newRegistry } = useEtcdSuite(TTL);

describe('Issue 13: a live key deleted out of band is put back within the ttl', () => {
  it('`etcdctl del` of the key: back on the same lease within ttl, and kept alive', async () => {
    const key = '/microservices/greeter/etcdctl';
    await newRegistry().register(instance('etcdctl'));
    const { lease, value } = (await getKey(etcd().url, key))!;
    expect(await etcdctlDel(etcd().url, key)).toBe('1');
    const took = await waitFor(
      async () => (await getKey(etcd().url, key)) !== undefined,
      TTL_MS,
      'the key put back',
    );
    process.stdout.write(`[measured] key put back after \`etcdctl del\`: ${took} ms (bound ${TTL_MS} ms)\n`);
    const back = await getKey(etcd().url, key);
    expect(back).toEqual({ key, value, lease });
    await sleep(TTL_MS + 1_000);
    expect((await getKey(etcd().url, key))?.lease).toBe(lease);
    expect((await leaseTtl(etcd().url, lease!)).ttl).toBeGreaterThan(0);
  });

  it('a client delete of the key, again and again: put back every time, and logged', async () => {
    const key = '/microservices/greeter/client-del';
    const logger = recordingLogger();
    const registry = new EtcdRegistry({ hosts: [etcd().url], ttl: TTL, logger });
    try {
      await registry.register(instance('client-del'));
      const { lease } = (await getKey(etcd().url, key))!;
      for (let round = 0; round < 3; round += 1) {
        await deleteKey(etcd().url, key);
        await waitFor(
          async () => (await getKey(etcd().url, key))?.lease === lease,
          TTL_MS,
          'the key put back',
        );
      }
      expect(
        logger
          .messages('warn')
          .filter((m) => m.startsWith(`"${key}" disappeared from etcd while registered`)),
      ).toHaveLength(3);
      expect(logger.messages('info').filter((m) => m.startsWith(`"${key}" is back in etcd`))).toHaveLength(3);
    } finally {
      await registry.close();
    }
  });

  it('a lease revoked out of band still ends in a new lease holding the key', async () => {
    // The delete that a revoke causes must not trap the repair in re-putting on a dead lease.
    const key = '/microservices/greeter/revoked';
    await newRegistry().register(instance('revoked'));
    const { lease } = (await getKey(etcd().url, key))!;
    await fetch(`${etcd().url}/v3/lease/revoke`, {
      method: 'POST',
      body: JSON.stringify({ ID: lease }),
      signal: AbortSignal.timeout(2_000),
    });
    await waitFor(
      async () => ((await getKey(etcd().url, key))?.lease ?? lease) !== lease,
      TTL_MS + 3_000,
      'the key on a new lease',
    );
  });
});
