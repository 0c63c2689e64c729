import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startRabbit, type RabbitProcess } from '../../../bench/src/brokers/rabbit-process.js';

// Regression: AmqpConnection.close(signal) to a broker that does not answer (a frozen host, a
// partition) destroyed the socket when its signal aborted, and returned: but amqplib listens for
// its socket's 'end' and 'error', not 'close', so it never learnt the connection was gone and kept
// its heartbeat timers running until they timed out (2 heartbeats: 20 s at the default 10 s). A
// process that had stopped everything did not exit for that long (the consumer contract suite
// kept jest alive ~18 s after its last test). The socket is now destroyed with an error, which
// amqplib handles as the connection's end: its timers stop, and the process exits at once.
// Real processes: a child that opens a connection, is told to close it while the broker is frozen,
// and should then exit by itself.

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const HEARTBEAT_S = 3;
const CLOSE_SIGNAL_MS = 300;

const CHILD = `
import { AmqpConnection } from '@kratos-ts/amqp';
const connection = new AmqpConnection({ url: process.env.AMQP_URL, heartbeat: ${HEARTBEAT_S} });
await connection.open(AbortSignal.timeout(10_000));
console.log('open');
await new Promise((resolve) => process.once('SIGUSR2', resolve));
await connection.close(AbortSignal.timeout(${CLOSE_SIGNAL_MS}));
console.log('closed');
`;

let rabbit: RabbitProcess;
beforeAll(async () => {
  rabbit = await startRabbit();
}, 90_000);
afterAll(async () => {
  await rabbit?.dispose();
}, 60_000);

it('a process that closed its connection to a frozen broker exits at once, not after the heartbeats', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: REPO_ROOT,
    env: { ...process.env, AMQP_URL: rabbit.url, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string | undefined> => (await lines.next()).value as string | undefined;
  try {
    expect(await nextLine()).toBe('open');
    await rabbit.freeze();
    try {
      child.kill('SIGUSR2');
      expect(await nextLine()).toBe('closed');
      const closedAt = performance.now();
      const [code] = await exited;
      const exitMs = performance.now() - closedAt;
      expect(code).toBe(0);
      // Before: the heartbeat timers kept it alive 2 heartbeats (6–9 s here) after the close.
      expect(exitMs).toBeLessThan(3_000);
    } finally {
      rabbit.resume();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 90_000);
