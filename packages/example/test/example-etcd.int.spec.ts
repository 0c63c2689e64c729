import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEtcd, type EtcdProcess } from '../../bench/src/fleet/etcd-process.js';
import { getPrefix } from '../../registry-etcd/test/support/etcd-http.js';
import { Example } from './support/example-process.js';

// `ETCD_ENDPOINTS=... npm start` registers the example in a real etcd instead of memory.
let etcd: EtcdProcess;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.dispose();
});

describe('the example greeter with ETCD_ENDPOINTS', () => {
  it('registers both endpoints under /microservices/greeter/{id} while running, and deregisters on SIGTERM', async () => {
    const example = new Example({ ETCD_ENDPOINTS: etcd.url });
    try {
      await example.waitFor((l) => l.state === 'running');
      const [stored] = await getPrefix(etcd.url, '/microservices/greeter/');
      const instance = JSON.parse(stored?.value ?? '{}') as { id: string; name: string; endpoints: string[] };
      expect(stored?.key).toBe(`/microservices/greeter/${instance.id}`);
      expect(instance.name).toBe('greeter');
      expect(instance.endpoints).toEqual([
        expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        expect.stringMatching(/^grpc:\/\/127\.0\.0\.1:\d+$/),
      ]);
      example.child.kill('SIGTERM');
      expect(await example.exited).toBe(0);
      expect(await getPrefix(etcd.url, '/microservices/greeter/')).toEqual([]);
    } finally {
      if (example.child.exitCode === null) example.child.kill('SIGKILL');
    }
  });
});
