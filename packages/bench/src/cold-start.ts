import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './bench-figure.js';
import { medians } from './measure.js';

const ROUNDS = 9;
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

interface Subject {
  readonly script: string;
  readonly readyPath: string;
  readonly env?: Record<string, string>;
}

const EXAMPLE_ENV = { GRPC_PORT: 'off', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
const BARE: Subject = { script: here('./fixtures/bare-http.js'), readyPath: '/' };
const NEST: Subject = { script: here('./fixtures/nest-greeter.js'), readyPath: '/hello?name=x' };
/** `npm start`'s entry: the bundle (every dependency inlined) with its V8 code cache. */
const BUNDLED: Subject = {
  script: here('../../example/dist/main.js'),
  readyPath: '/readyz',
  env: EXAMPLE_ENV,
};
/** tsc's output, loading its dependencies from node_modules: what bundling saves. */
const UNBUNDLED: Subject = {
  script: here('../../example/dist/service.js'),
  readyPath: '/readyz',
  env: EXAMPLE_ENV,
};

/** The smallest kratos-ts HTTP service, tsc output loading its packages from node_modules. */
const MINIMAL: Subject = { script: here('./fixtures/minimal-http-service.js'), readyPath: '/readyz' };
/** The same third-party imports as MINIMAL without kratos-ts, serving with node:http. */
const MINIMAL_FLOOR: Subject = { script: here('./fixtures/minimal-http-floor.js'), readyPath: '/readyz' };

const BUNDLE_VS_BARE = 1.6;
const BUNDLE_VS_NEST = 0.35;
/** Issue 14: a service that only serves loads no client code (undici, @kratos-ts/discovery). */
const MINIMAL_VS_FLOOR = 1.1;

/**
 * Cold start, from spawn to the first 200, of the example's HTTP service (gRPC off) as
 * `npm start` runs it (bundled, see docs/performance.md), against a bare node:http server and an
 * equivalent NestJS app, in alternation in the same run; the unbundled example for reference.
 * Targets: bundled example ≤ 1.6× bare node:http and ≤ 0.35× NestJS. Beside them, the smallest
 * tsc-compiled kratos-ts HTTP service against the floor of the same imports without kratos-ts:
 * ≤ 1.1× (what a server-only service pays for kratos-ts when it loads no client code), with the
 * CPU time each had used when ready for reference (steadier than wall time on a busy machine).
 */
export async function run(): Promise<BenchFigure[]> {
  const cache = codeCache();
  const [bare = NaN, bundled = NaN, nest = NaN, unbundled = NaN, minimal = NaN, floor = NaN] = await medians(
    ROUNDS,
    [BARE, BUNDLED, NEST, UNBUNDLED, MINIMAL, MINIMAL_FLOOR].map((subject) => () => coldStart(subject)),
  );
  const minimalCpu = middle(cpuSamples.get(MINIMAL) ?? []);
  const floorCpu = middle(cpuSamples.get(MINIMAL_FLOOR) ?? []);
  return [
    { name: 'cold start: bare node:http', value: bare, unit: 'ms' },
    { name: 'cold start: NestJS greeter', value: nest, unit: 'ms', baseline: bare, ratio: nest / bare },
    {
      name: 'cold start: example unbundled (tsc output, node_modules)',
      value: unbundled,
      unit: 'ms',
      baseline: bare,
      ratio: unbundled / bare,
    },
    {
      name: `cold start: example bundled vs bare (code cache ${cache})`,
      value: bundled,
      unit: 'ms',
      baseline: bare,
      ratio: bundled / bare,
      target: `≤ ${BUNDLE_VS_BARE}× bare`,
      pass: bundled / bare <= BUNDLE_VS_BARE,
    },
    {
      name: 'cold start: example bundled vs NestJS',
      value: bundled,
      unit: 'ms',
      baseline: nest,
      ratio: bundled / nest,
      target: `≤ ${BUNDLE_VS_NEST}× NestJS`,
      pass: bundled / nest <= BUNDLE_VS_NEST,
    },
    { name: 'cold start: same imports without kratos-ts (floor)', value: floor, unit: 'ms' },
    {
      name: 'cold start: minimal HTTP service vs floor, CPU to ready',
      value: minimalCpu,
      unit: 'ms',
      baseline: floorCpu,
      ratio: minimalCpu / floorCpu,
    },
    {
      name: 'cold start: minimal HTTP service (tsc output) vs floor',
      value: minimal,
      unit: 'ms',
      baseline: floor,
      ratio: minimal / floor,
      target: `≤ ${MINIMAL_VS_FLOOR}× floor`,
      pass: minimal / floor <= MINIMAL_VS_FLOOR,
    },
  ];
}

/** Whether node accepts the bundle's code cache (`accepted`, `rejected` or `absent`). */
function codeCache(): string {
  const bundle = here('../../example/dist/service.bundle.cjs');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build`);
  return execFileSync(process.execPath, [BUNDLED.script], {
    env: { ...process.env, NODE_OPTIONS: '', CODE_CACHE: 'check' },
    encoding: 'utf8',
  }).trim();
}

/**
 * CPU time (user + system, all threads) each tracked subject had used when it was ready: unlike the
 * wall time, hardly affected by whatever else the machine runs (a busy machine stretches every
 * event-loop turn of a start, not its CPU time).
 */
const cpuSamples = new Map<Subject, number[]>([
  [MINIMAL, []],
  [MINIMAL_FLOOR, []],
]);

/** The CPU ms process `pid` has used (Linux /proc; NaN elsewhere). 10 ms resolution. */
function cpuMillis(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Spawns `subject` and returns the ms from spawn to its first 200 on `readyPath`. */
async function coldStart(subject: Subject): Promise<number> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, [subject.script], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), ...subject.env },
    stdio: 'ignore',
  });
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => (gone = true));
  try {
    const deadline = startedAt + 30_000;
    while (performance.now() < deadline && !gone) {
      if ((await status(port, subject.readyPath)) === 200) {
        const elapsed = performance.now() - startedAt;
        cpuSamples.get(subject)?.push(cpuMillis(child.pid));
        return elapsed;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`${subject.script} ${gone ? 'exited before it was ready' : 'was not ready within 30 s'}`);
  } finally {
    if (!gone) child.kill('SIGTERM');
    await exited;
  }
}

function status(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
