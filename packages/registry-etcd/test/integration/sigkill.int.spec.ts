import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';
import { getKey, waitFor } from '../support/etcd-http.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, '..', 'fixtures', 'registered-app.mjs');
const built = join(here, '..', '..', 'dist', 'index.js');
const TTL = 2;

let etcd: EtcdProcess;
let child: ChildProcess | undefined;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await etcd?.dispose();
});

/** Starts the fixture app and resolves once it prints that it runs. */
function runApp(id: string): Promise<ChildProcess> {
  if (!existsSync(built))
    throw new Error(
      `${built} is missing: build first with \`npx tsc -b packages/registry-etcd\` (npm test does).`,
    );
  return new Promise((resolve, reject) => {
    const app = spawn(process.execPath, [fixture], {
      env: { ...process.env, NODE_OPTIONS: '', ETCD_URL: etcd.url, SERVICE_ID: id, TTL: String(TTL) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = app;
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the app did not run within 15 s: ${output}`)), 15_000);
    app.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`running ${id}`)) {
        clearTimeout(timer);
        resolve(app);
      }
    });
    app.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code ?? signal}) before running: ${output}`));
    });
  });
}

describe('a process registered in etcd', () => {
  it('killed with SIGKILL: its key is gone within ttl', async () => {
    const app = await runApp('killed-1');
    const key = '/microservices/fixture/killed-1';
    expect(await getKey(etcd.url, key)).toBeDefined();
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGKILL');
    await exited;
    // etcd expires a lease ttl after its last keepalive (sent every ttl/3) and looks for expired
    // leases every 500 ms: the key goes within ttl of the last keepalive, plus that tick.
    const bound = TTL * 1_000 + 1_000;
    const took = await waitFor(
      async () => (await getKey(etcd.url, key)) === undefined,
      bound,
      'the key is gone',
    );
    process.stdout.write(`[measured] key gone ${took} ms after SIGKILL (ttl ${TTL * 1_000} ms)\n`);
    expect(took).toBeLessThanOrEqual(bound);
  });
});
