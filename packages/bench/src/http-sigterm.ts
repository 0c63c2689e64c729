import { pathToFileURL } from 'node:url';
import type { BenchFigure } from './bench-figure.js';
import {
  countOutcomes,
  SIGTERM_FIXTURE,
  sigtermUnderLoad,
  type SigtermCounts,
} from './sigterm-under-load.js';

// The same app and driver as the http package's SIGTERM test, so bench and test measure one thing.
const CLIENTS = 64;
const HANDLER_MS = 50;
const DRAIN_DELAY = 300;
const LOAD_MS = 1_000;
const ROUNDS = 3;
const MARGIN_MS = 250;

/** What one SIGTERM-under-load round counted. */
interface Round extends SigtermCounts {
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
  const run = await sigtermUnderLoad({
    fixture: SIGTERM_FIXTURE,
    clients: CLIENTS,
    loadMs: LOAD_MS,
    drainDelay: DRAIN_DELAY,
  });
  if (run.stderr) process.stderr.write(run.stderr);
  return {
    ...countOutcomes(run),
    completedDuringDrain: run.completedAfterSigterm,
    shutdownMs: run.shutdownMs,
    exitCode: run.exitCode,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await run());
}
