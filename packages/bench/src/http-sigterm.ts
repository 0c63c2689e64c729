import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure } from './bench-figure.js';

// The same app the http package's SIGTERM test runs, so bench and test measure one thing.
const FIXTURE = fileURLToPath(new URL('../../http/test/fixtures/sigterm-server.mjs', import.meta.url));
const CLIENTS = 64;
const HANDLER_MS = 50;
const DRAIN_DELAY = 300;
const LOAD_MS = 1_000;
const ROUNDS = 3;
const MARGIN_MS = 250;

/** What one SIGTERM-under-load round counted. */
interface Round {
  /** Requests that reached the handler. */
  readonly accepted: number;
  /** Of those, the ones answered with a complete 200. */
  readonly completed: number;
  /** Requests that reached the handler and got no complete 200: the drain failed them. */
  readonly lost: number;
  /** Requests reset or hung up that never reached the server (written onto a closing idle socket). */
  readonly resetUnreached: number;
  /** Connections refused once the listener was closed (the client then stops). */
  readonly refused: number;
  /** Requests sent after SIGTERM and completed: served during drainDelay. */
  readonly completedDuringDrain: number;
  readonly shutdownMs: number;
  readonly exitCode: number | null;
}

/**
 * (b) SIGTERM under load: the kratos app in `packages/http/test/fixtures/sigterm-server.mjs` (one HttpServer whose
 * handler takes 50 ms, drainDelay 300 ms) is loaded by 64 keep-alive clients from this process;
 * SIGTERM comes after 1 s. Counts every request (accepted, completed, reset) and the time from
 * SIGTERM to the process's exit, over 3 rounds. Targets: 0 resets, every accepted request
 * completed, exit 0 within drainDelay + 50 ms + 250 ms.
 */
export async function run(): Promise<BenchFigure[]> {
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i += 1) rounds.push(await sigtermRound());
  const total = (key: keyof Round): number => rounds.reduce((sum, round) => sum + Number(round[key]), 0);
  const slowest = Math.max(...rounds.map((round) => round.shutdownMs));
  const limit = DRAIN_DELAY + HANDLER_MS + MARGIN_MS;
  const prefix = `http SIGTERM under load (${ROUNDS} rounds):`;
  return [
    { name: `${prefix} accepted (reached the handler)`, value: total('accepted'), unit: 'req' },
    {
      name: `${prefix} completed with a whole 200`,
      value: total('completed'),
      unit: 'req',
      baseline: total('accepted'),
      ratio: total('completed') / total('accepted'),
      target: '= accepted',
      pass: total('completed') === total('accepted') && total('lost') === 0,
    },
    { name: `${prefix} of which sent during drainDelay`, value: total('completedDuringDrain'), unit: 'req' },
    {
      name: `${prefix} reset after reaching the handler`,
      value: total('lost'),
      unit: 'req',
      target: '0',
      pass: total('lost') === 0,
    },
    {
      name: `${prefix} reset before reaching the server`,
      value: total('resetUnreached'),
      unit: 'req',
      target: '0',
      pass: total('resetUnreached') === 0,
    },
    { name: `${prefix} refused after the listener closed`, value: total('refused'), unit: 'conn' },
    {
      name: `${prefix} slowest SIGTERM → exit`,
      value: slowest,
      unit: 'ms',
      target: `≤ ${limit} ms, exit 0`,
      pass: slowest <= limit && rounds.every((round) => round.exitCode === 0),
    },
  ];
}

async function sigtermRound(): Promise<Round> {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, DRAIN_DELAY: String(DRAIN_DELAY), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('the SIGTERM fixture exited before it was ready');
  const { port } = JSON.parse(first.value) as { port: number };

  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const outcomes = new Map<string, string>();
  let sigtermAt = Infinity;
  let completedDuringDrain = 0;
  const client = async (index: number): Promise<void> => {
    for (let n = 0; ; n += 1) {
      const id = `${index}-${n}`;
      const sentAt = performance.now();
      const outcome = await send(port, agent, id);
      outcomes.set(id, outcome);
      if (outcome === 'ok' && sentAt > sigtermAt) completedDuringDrain += 1;
      if (outcome === 'ECONNREFUSED') return;
    }
  };
  const clients = Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
  sigtermAt = performance.now();
  child.kill('SIGTERM');
  const exitCode = await exited;
  const shutdownMs = performance.now() - sigtermAt;
  await clients;
  agent.destroy();
  const last = await lines.next();
  const handled = new Set(
    (JSON.parse(last.done ? '{"handled":[]}' : last.value) as { handled: string[] }).handled,
  );

  let completed = 0;
  let lost = 0;
  let resetUnreached = 0;
  let refused = 0;
  for (const [id, outcome] of outcomes) {
    if (outcome === 'ok') completed += 1;
    else if (handled.has(id)) lost += 1;
    else if (outcome === 'ECONNREFUSED') refused += 1;
    else resetUnreached += 1;
  }
  return {
    accepted: handled.size,
    completed,
    lost,
    resetUnreached,
    refused,
    completedDuringDrain,
    shutdownMs,
    exitCode,
  };
}

/** One GET carrying `id`; `'ok'` for a complete 200 `ok`, else the status or the error code. */
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await run());
}
