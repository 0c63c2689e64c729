import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEtcd, type EtcdProcess } from '../../bench/src/fleet/etcd-process.js';
import { getPrefix } from '../../registry-etcd/test/support/etcd-http.js';
import { Example } from './support/example-process.js';

const clientMain = fileURLToPath(new URL('../dist/client.js', import.meta.url));

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

describe('the example client (npm run client) with ETCD_ENDPOINTS', () => {
  it('calls the greeter through discovery:///greeter over HTTP and gRPC, prints the instance that answered, and exits 0 by itself', async () => {
    const example = new Example({ ETCD_ENDPOINTS: etcd.url });
    try {
      await example.waitFor((l) => l.state === 'running');
      const [stored] = await getPrefix(etcd.url, '/microservices/greeter/');
      const { id } = JSON.parse(stored?.value ?? '{}') as { id: string };
      const client = spawn(process.execPath, [clientMain], {
        env: { ...process.env, NODE_OPTIONS: '', ETCD_ENDPOINTS: etcd.url, CALLS: '2', NAME: 'Grace' },
      });
      let output = '';
      client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      client.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => client.on('exit', resolve));
      expect({ code, output }).toMatchObject({ code: 0 });
      const lines = output.trim().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(`^http #1: "hello Grace" from instance ${id} via http://127\\.0\\.0\\.1:\\d+$`),
        ),
        `grpc #1: "hello Grace" from instance ${id}`,
        expect.stringMatching(
          new RegExp(`^http #2: "hello Grace" from instance ${id} via http://127\\.0\\.0\\.1:\\d+$`),
        ),
        `grpc #2: "hello Grace" from instance ${id}`,
      ]);
    } finally {
      example.child.kill('SIGTERM');
      await example.exited;
    }
  });
});
