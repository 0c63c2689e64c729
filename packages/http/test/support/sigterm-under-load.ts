import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { get } from './http-client.js';

/** What one SIGTERM-under-load run saw. */
export interface SigtermRun {
  readonly exitCode: number | null;
  /** From SIGTERM to the child's exit. */
  readonly shutdownMs: number;
  /** Request ids that reached the handler (reported by the child). */
  readonly handled: ReadonlySet<string>;
  /** Per request id: `'ok'` (complete 200) or the client's error code. */
  readonly outcomes: ReadonlyMap<string, string>;
  /** Requests sent after SIGTERM that completed with 200 (served during drainDelay). */
  readonly completedAfterSigterm: number;
  readonly stderr: string;
}

/** Options of `sigtermUnderLoad`. */
export interface SigtermOptions {
  readonly fixture: string;
  readonly clients: number;
  /** How long the clients load the server before SIGTERM. */
  readonly loadMs: number;
  readonly drainDelay: number;
}

/**
 * Spawns the fixture app, loads it with `clients` keep-alive clients (each sends a request as soon
 * as its previous one ended), sends SIGTERM after `loadMs`, and records every request's outcome.
 * A client stops at its first refused connection.
 */
export async function sigtermUnderLoad(options: SigtermOptions): Promise<SigtermRun> {
  const child = spawn(process.execPath, [options.fixture], {
    env: { ...process.env, DRAIN_DELAY: String(options.drainDelay), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error(`the fixture exited before it was ready:\n${stderr}`);
  const { port } = JSON.parse(first.value) as { port: number };

  const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
  const outcomes = new Map<string, string>();
  let sigtermAt = Infinity;
  let completedAfterSigterm = 0;
  const client = async (index: number): Promise<void> => {
    for (let n = 0; ; n += 1) {
      const id = `${index}-${n}`;
      const sentAt = performance.now();
      try {
        const reply = await get(`http://127.0.0.1:${port}/work`, { agent, headers: { 'x-request-id': id } });
        const ok = reply.status === 200 && reply.body === 'ok';
        outcomes.set(id, ok ? 'ok' : `status ${reply.status}`);
        if (ok && sentAt > sigtermAt) completedAfterSigterm += 1;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        outcomes.set(id, code);
        if (code === 'ECONNREFUSED') return;
      }
    }
  };
  const clients = Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  await new Promise((resolve) => setTimeout(resolve, options.loadMs));
  sigtermAt = performance.now();
  child.kill('SIGTERM');
  const exitCode = await exited;
  const shutdownMs = performance.now() - sigtermAt;
  await clients;
  agent.destroy();
  const last = await lines.next();
  const { handled } = JSON.parse(last.done ? '{"handled":[]}' : last.value) as { handled: string[] };
  return { exitCode, shutdownMs, handled: new Set(handled), outcomes, completedAfterSigterm, stderr };
}
