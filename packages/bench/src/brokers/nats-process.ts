import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../fleet/etcd-process.js';
import { requireCommand } from './find-command.js';
import { untilStopped } from './until-stopped.js';

/**
 * One nats-server (2.9, JetStream on) this test run started, on free loopback ports with a temp
 * store dir. The same shape as `EtcdProcess` (../fleet/etcd-process.ts).
 */
export interface NatsProcess {
  /** `nats://127.0.0.1:PORT`, the client URL. */
  readonly url: string;
  /** The client port. */
  readonly port: number;
  /** The monitoring port (`/healthz`, `/varz`, `/jsz`), on 127.0.0.1 too. */
  readonly monitorPort: number;
  /** The JetStream store dir (`-sd`): streams and consumers survive `stop()`/`start()`. */
  readonly storeDir: string;
  /** The server's pid while it runs. */
  readonly pid: number | undefined;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit; keeps the store. */
  stop(): Promise<void>;
  /** Kills the process (SIGKILL: no goodbye to its clients) and waits for it to exit; keeps the store. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and store, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and removes the store dir (also done, by SIGKILL, if the test process exits first). */
  dispose(): Promise<void>;
  /**
   * Freezes it (SIGSTOP): its sockets stay open and nothing answers, as a stalled host. Resolves
   * once every thread of it is stopped (a signal is delivered asynchronously: a caller that went
   * on at once could still be answered).
   */
  freeze(): Promise<void>;
  /** Resumes it after `freeze()` (SIGCONT). */
  resume(): void;
}

/**
 * Starts `nats-server -js` on free loopback ports (client and monitor) with a fresh temp store dir,
 * and waits until its `/healthz` says ok (JetStream included).
 */
export async function startNats(): Promise<NatsProcess> {
  const command = requireCommand('nats-server', 'nats-server', 'the NATS JetStream integration tests');
  const port = await freePort();
  const monitorPort = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'kratos-nats-'));
  // -a binds the client port and, with no http host of its own, the monitor port to loopback.
  const args = ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)];
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    if (child) return;
    output = '';
    const started = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4000));
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    await waitHealthy(monitorPort, started, () => output);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGCONT'); // a frozen server would not hear SIGTERM
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  // A test process that dies or forgets dispose() takes its server and store along.
  const onExit = (): void => {
    child?.kill('SIGKILL');
    rmSync(storeDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  try {
    await start();
  } catch (error) {
    process.off('exit', onExit);
    rmSync(storeDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    monitorPort,
    storeDir,
    get pid() {
      return child?.pid;
    },
    start,
    stop: () => stop(),
    kill: () => stop('SIGKILL'),
    dispose: async () => {
      await stop();
      rmSync(storeDir, { recursive: true, force: true });
      process.off('exit', onExit);
    },
    freeze: async () => {
      const pid = child?.pid;
      if (pid === undefined || !child?.kill('SIGSTOP')) {
        throw new Error('nats-server is not running: nothing to freeze');
      }
      await untilStopped([pid]);
    },
    resume: () => {
      child?.kill('SIGCONT');
    },
  };
}

async function waitHealthy(monitorPort: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`nats-server exited (${child.exitCode ?? child.signalCode}) at start: ${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${monitorPort}/healthz`, {
        signal: AbortSignal.timeout(1_000),
      });
      const body = (await response.json()) as { status?: string };
      if (response.ok && body.status === 'ok') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`nats-server on 127.0.0.1:${monitorPort} did not become healthy within 15 s: ${output()}`);
}
