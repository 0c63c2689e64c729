import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One etcd server this test run started, on free loopback ports and a temp data dir. */
export interface EtcdProcess {
  /** `http://127.0.0.1:PORT`, the client URL. */
  readonly url: string;
  readonly dataDir: string;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it to exit; keeps the data dir. */
  stop(): Promise<void>;
  /** Kills the process (SIGKILL: no goodbye to its clients) and waits for it to exit; keeps the data dir. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data dir, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and removes the data dir. */
  dispose(): Promise<void>;
  /** Freezes it (SIGSTOP): its sockets stay open and nothing answers, as a stalled host. */
  freeze(): void;
  /** Resumes it after `freeze()` (SIGCONT). */
  resume(): void;
}

const INSTALL_HINT =
  'The etcd integration tests need the etcd server binary on PATH. Install it with `apt-get install -y etcd-server` (Debian/Ubuntu; `npm test` does this when run as root), or put an etcd 3.4+ binary on PATH.';

/** Throws the install hint when there is no `etcd` on PATH (never a silent skip). */
export function requireEtcdBinary(): void {
  const found = spawnSync('etcd', ['--version'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) throw new Error(`etcd not found. ${INSTALL_HINT}`);
}

/** A port nobody listens on now: bind 127.0.0.1:0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts etcd on free loopback ports with a fresh temp data dir and waits until it is healthy. */
export async function startEtcd(): Promise<EtcdProcess> {
  requireEtcdBinary();
  const clientPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'kratos-etcd-'));
  const args = [
    '--name',
    'default',
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    url,
    '--advertise-client-urls',
    url,
    '--listen-peer-urls',
    peerUrl,
    '--initial-advertise-peer-urls',
    peerUrl,
    '--initial-cluster',
    `default=${peerUrl}`,
    '--log-level',
    'error',
  ];
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    output = '';
    const started = spawn('etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    started.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    await waitHealthy(url, started, () => output);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url,
    dataDir,
    start,
    stop: () => stop(),
    kill: () => stop('SIGKILL'),
    dispose: async () => {
      child?.kill('SIGCONT'); // a frozen etcd would not hear SIGTERM
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    freeze: () => {
      if (!child?.kill('SIGSTOP')) throw new Error('etcd is not running: nothing to freeze');
    },
    resume: () => {
      child?.kill('SIGCONT');
    },
  };
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`etcd exited with code ${child.exitCode} at start: ${output()}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      const body = (await response.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`etcd at ${url} did not become healthy within 15 s: ${output()}`);
}
