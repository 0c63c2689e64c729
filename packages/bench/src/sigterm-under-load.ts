import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// The one SIGTERM-under-load driver: the bench scenario (http-sigterm.ts) and the http package's
// test (packages/http/test/sigterm.int.spec.ts) both run it, so they measure one thing.

/** The app both run: one HttpServer whose handler takes 50 ms (see the fixture's header). */
export const SIGTERM_FIXTURE = fileURLToPath(
  new URL('../../http/test/fixtures/sigterm-server.mjs', import.meta.url),
);

/** Options of `sigtermUnderLoad`. */
export interface SigtermOptions {
  /** The app to spawn: prints `{"port":N}` once ready, `{"handled":[ids]}` after its stop. */
  readonly fixture: string;
  readonly clients: number;
  /** How long the clients load the server before SIGTERM. */
  readonly loadMs: number;
  readonly drainDelay: number;
}

/** What one SIGTERM-under-load run saw. */
export interface SigtermRun {
  readonly exitCode: number | null;
  /** From SIGTERM to the child's exit. */
  readonly shutdownMs: number;
  /** Request ids that reached the handler (reported by the child). */
  readonly handled: ReadonlySet<string>;
  /** Per request id: `'ok'` (complete 200 `ok`), `status N`, or the client's error code. */
  readonly outcomes: ReadonlyMap<string, string>;
  /** Requests sent after SIGTERM that completed with 200 (served during drainDelay). */
  readonly completedAfterSigterm: number;
  /** What the child wrote to stderr. */
  readonly stderr: string;
}

/** A run's requests, counted. */
export interface SigtermCounts {
  /** Requests that reached the handler. */
  readonly accepted: number;
  /** Requests answered with a complete 200. */
  readonly completed: number;
  /** Requests that reached the handler and got no complete 200: the drain failed them. */
  readonly lost: number;
  /** Requests reset or hung up that never reached the server (written onto a closing idle socket). */
  readonly resetUnreached: number;
  /** Connections refused once the listener was closed (the client then stops). */
  readonly refused: number;
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
      const outcome = await send(port, agent, id);
      outcomes.set(id, outcome);
      if (outcome === 'ok' && sentAt > sigtermAt) completedAfterSigterm += 1;
      if (outcome === 'ECONNREFUSED') return;
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

/** Counts a run's requests by what became of them. */
export function countOutcomes(run: SigtermRun): SigtermCounts {
  let completed = 0;
  let lost = 0;
  let resetUnreached = 0;
  let refused = 0;
  for (const [id, outcome] of run.outcomes) {
    if (outcome === 'ok') completed += 1;
    else if (run.handled.has(id)) lost += 1;
    else if (outcome === 'ECONNREFUSED') refused += 1;
    else resetUnreached += 1;
  }
  return { accepted: run.handled.size, completed, lost, resetUnreached, refused };
}

/** One GET carrying `id`; `'ok'` for a complete 200 `ok`, else `status N` or the error code. */
function send(port: number, agent: Agent, id: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/work', agent, headers: { 'x-request-id': id } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        res.on('end', () =>
          resolve(res.statusCode === 200 && body === 'ok' ? 'ok' : `status ${res.statusCode}`),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}
