import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startNats, type NatsProcess } from '../../../bench/src/brokers/nats-process.js';
import { createStreams } from '../support/nats-fixture.js';

// Regression: a NATS consumer stopped while its server does not answer (frozen) ended its stop and
// close by their signals, but the drain of its pull inbox went on in the background, bounded by
// settleTimeoutMs (5 s): a timer that kept the stopped process alive that long after everything
// had returned (the NATS consumer suite kept jest alive ~4 s after its last test). The close now
// ends that drain when its signal aborts. A real child process: it consumes, the server is frozen,
// it stops its consumer and closes its connection with short signals, and should then exit.

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const STREAM = 'linger';

const CHILD = `
import { ConsumerServer } from '@kratos-ts/consumer';
import { NatsConnection, natsConsumer } from '@kratos-ts/nats';
const connection = new NatsConnection({ url: process.env.NATS_URL });
await connection.open(AbortSignal.timeout(10_000));
const server = new ConsumerServer({
  adapter: natsConsumer(connection, { stream: '${STREAM}' }),
  queue: 'worker',
  handler: () => undefined,
});
await server.start(AbortSignal.timeout(10_000));
console.log('consuming');
await new Promise((resolve) => process.once('SIGUSR2', resolve));
await server.stop(AbortSignal.timeout(300));
await connection.close(AbortSignal.timeout(300));
console.log('closed');
`;

let nats: NatsProcess;
beforeAll(async () => {
  nats = await startNats();
  await createStreams(nats.url, STREAM);
}, 60_000);
afterAll(async () => {
  await nats?.dispose();
}, 30_000);

it('a process whose consumer stopped while the server was frozen exits at once, not after settleTimeoutMs', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: REPO_ROOT,
    env: { ...process.env, NATS_URL: nats.url, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string | undefined> => (await lines.next()).value as string | undefined;
  try {
    expect(await nextLine()).toBe('consuming');
    await nats.freeze();
    try {
      child.kill('SIGUSR2');
      expect(await nextLine()).toBe('closed');
      const closedAt = performance.now();
      const [code] = await exited;
      const exitMs = performance.now() - closedAt;
      expect(code).toBe(0);
      // Before: the pull inbox's drain, bounded by settleTimeoutMs (5 s), kept it alive.
      expect(exitMs).toBeLessThan(2_500);
    } finally {
      nats.resume();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 60_000);
