import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import type { BenchFigure } from './bench-figure.js';
import { freePort } from './fleet/etcd-process.js';
import { medians } from './measure.js';
import { bundleAgainst } from './telemetry/bundle-against.js';
import { PRE_TELEMETRY_COMMIT, sourcesAtCommit } from './telemetry/sources-at-commit.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const REPO_ROOT = here('../../../');
/** Where the two source trees' bundles go: inside the repository, so their imports find node_modules. */
const OUT = here('../dist/telemetry-cost/');
const SERVER_FIXTURE = here('../fixtures/telemetry-cost-server.mjs');
const SERVICE_FIXTURE = here('./fixtures/minimal-http-service.js');

const CONNECTIONS = 64;
const ROUNDS = 10;
const SAMPLE_S = 2;
const COLD_ROUNDS = 11;
/** Every request carries a sampled parent, as behind a traced gateway: the server extracts it. */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const API_ONLY_TARGET = 0.98;
const SDK_TARGET = 0.85;
const COLD_START_TARGET = 1.05;

type Tree = 'before' | 'now';

/** One server child: where to load it, its CPU so far, what it served and traced. */
interface Subject {
  readonly name: string;
  readonly url: string;
  cpuMicros(): Promise<number>;
  tally(): Promise<{ served: number; spans: number; metered: number }>;
  close(): Promise<void>;
}

/** What one autocannon sample measured. */
interface Sample {
  readonly requestsPerSecond: number;
  readonly cpuMicrosPerRequest: number;
}

/**
 * What telemetry costs a service (issue 16). "Today's" is the code before issue 16: the same bench
 * fixtures bundled (esbuild, the same settings) once against the kratos-ts sources of
 * `PRE_TELEMETRY_COMMIT`, taken with `git archive`, and once against the current sources, so the
 * two sides differ by the kratos-ts code alone and are measured in the same run.
 *
 * - Throughput of `HttpServer` (packages/bench/fixtures/telemetry-cost-server.mjs), twice: with the
 *   http throughput bench's bare handler (the worst case: the telemetry's fixed cost per request
 *   against almost no work) and with an Express app answering /hello as the example does; each
 *   request with a sampled `traceparent`: today's code with `@opentelemetry/api` and no SDK
 *   ≥ 0.98× of before; with an SDK registered (AlwaysOn sampler, batch processor, an exporter that
 *   counts and drops, a meter provider), every request traced and metered, ≥ 0.85×. Beside them, not
 *   judged, the SDK's floor: the sources before issue 16 with the same SDK and the least a trace
 *   and a duration need around the handler (a span and a histogram point, no attribute), i.e. the
 *   part of the SDK line that no instrumentation avoids. Alternating 2 s autocannon samples
 *   (A B C D, D C B A …), 64 connections, 10 rounds after a warm-up; the ratio is the median of the per-round ratios (as in
 *   http-throughput.ts), the servers' CPU per request beside it. The SDK side's spans and metered
 *   requests are counted against the requests its handler served: a dropped span would flatter
 *   the figure, so a shortfall fails it.
 * - Cold start with telemetry off (no SDK, no OTEL_* variables): the smallest kratos-ts HTTP service
 *   (packages/bench/src/fixtures/minimal-http-service.ts, a kernel and an `HttpServer`) before vs
 *   now, spawn to the first 200 on /readyz, ≤ 1.05× (unchanged, within the noise of a start), with
 *   CPU to ready beside it; twice: its dependencies loaded from node_modules (as tsc's output
 *   runs: `@opentelemetry/api` is ~45 CommonJS files more) and inlined (as `npm start`'s bundle of
 *   the example). The example's own cold start is scenario "http: cold start".
 */
export async function run(): Promise<BenchFigure[]> {
  const before = sourcesAtCommit(REPO_ROOT, PRE_TELEMETRY_COMMIT, `${OUT}pre-telemetry`);
  const bundles = {
    server: { before: `${OUT}server-before.mjs`, now: `${OUT}server-now.mjs` },
    service: { before: `${OUT}service-before.mjs`, now: `${OUT}service-now.mjs` },
    inlined: { before: `${OUT}service-before-inlined.mjs`, now: `${OUT}service-now-inlined.mjs` },
  };
  const trees: Record<Tree, string> = { before, now: REPO_ROOT };
  for (const tree of ['before', 'now'] as const) {
    await bundleAgainst(SERVER_FIXTURE, trees[tree], bundles.server[tree]);
    await bundleAgainst(SERVICE_FIXTURE, trees[tree], bundles.service[tree]);
    await bundleAgainst(SERVICE_FIXTURE, trees[tree], bundles.inlined[tree], 'inline');
  }
  return [
    ...(await throughput(bundles.server, 'bare')),
    ...(await throughput(bundles.server, 'express')),
    ...(await coldStart({
      'dependencies from node_modules': bundles.service,
      'dependencies inlined': bundles.inlined,
    })),
  ];
}

/** The handler of the throughput fixture: a fixed body, or an Express app as the example's. */
type Handler = 'bare' | 'express';

const HANDLER_LABEL: Record<Handler, string> = { bare: 'bare handler', express: 'Express /hello' };

async function throughput(bundles: Record<Tree, string>, handler: Handler): Promise<BenchFigure[]> {
  const label = HANDLER_LABEL[handler];
  const subjects = [
    await spawnSubject('before', bundles.before, 'plain', handler),
    await spawnSubject('api', bundles.now, 'plain', handler),
    await spawnSubject('sdk', bundles.now, 'sdk', handler),
    await spawnSubject('floor', bundles.before, 'floor', handler),
  ] as const;
  try {
    const samples = subjects.map((): Sample[] => []);
    for (const subject of subjects) await sample(subject);
    for (let round = 0; round < ROUNDS; round += 1) {
      // A B C D, then D C B A: a drift of the machine's load within two rounds weighs on each alike.
      const order = round % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
      for (const i of order) samples[i]!.push(await sample(subjects[i]!));
    }
    const [beforeSamples = [], apiSamples = [], sdkSamples = [], floorSamples = []] = samples;
    const rps = (list: readonly Sample[]): number => median(list.map((s) => s.requestsPerSecond));
    const cpu = (list: readonly Sample[]): number => median(list.map((s) => s.cpuMicrosPerRequest));
    const ratio = (list: readonly Sample[]): number =>
      median(list.map((s, i) => s.requestsPerSecond / beforeSamples[i]!.requestsPerSecond));
    const apiRatio = ratio(apiSamples);
    const sdkRatio = ratio(sdkSamples);
    const floorRatio = ratio(floorSamples);
    const tally = await subjects[2].tally();
    const floorTally = await subjects[3].tally();
    return [
      {
        name: `telemetry cost: ${label}, HttpServer before issue 16`,
        value: rps(beforeSamples),
        unit: 'req/s',
      },
      {
        name: `telemetry cost: ${label}, @opentelemetry/api, no SDK`,
        value: rps(apiSamples),
        unit: 'req/s',
        baseline: rps(beforeSamples),
        ratio: apiRatio,
        target: `≥ ${API_ONLY_TARGET}×`,
        pass: apiRatio >= API_ONLY_TARGET,
      },
      {
        name: `telemetry cost: ${label}, SDK, all traced+metered`,
        value: rps(sdkSamples),
        unit: 'req/s',
        baseline: rps(beforeSamples),
        ratio: sdkRatio,
        target: `≥ ${SDK_TARGET}×`,
        pass: sdkRatio >= SDK_TARGET,
      },
      {
        // Not judged: what the SDK costs by itself, the part of the line above no instrumentation avoids.
        name: `telemetry cost: ${label}, SDK floor (1 span + 1 point, no attribute)`,
        value: rps(floorSamples),
        unit: 'req/s',
        baseline: rps(beforeSamples),
        ratio: floorRatio,
      },
      {
        name: `telemetry cost: ${label}, CPU per request, no SDK`,
        value: cpu(apiSamples),
        unit: 'µs',
        baseline: cpu(beforeSamples),
        ratio: cpu(apiSamples) / cpu(beforeSamples),
      },
      {
        name: `telemetry cost: ${label}, CPU per request, SDK`,
        value: cpu(sdkSamples),
        unit: 'µs',
        baseline: cpu(beforeSamples),
        ratio: cpu(sdkSamples) / cpu(beforeSamples),
      },
      {
        name: `telemetry cost: ${label}, SDK: spans exported / served`,
        value: tally.spans,
        unit: 'spans',
        baseline: tally.served,
        ratio: tally.spans / tally.served,
        target: '= 1 (all traced)',
        pass: tally.served > 0 && tally.spans === tally.served,
      },
      {
        name: `telemetry cost: ${label}, SDK: requests metered / served`,
        value: tally.metered,
        unit: 'requests',
        baseline: tally.served,
        ratio: tally.metered / tally.served,
        target: '= 1 (all metered)',
        pass: tally.served > 0 && tally.metered === tally.served,
      },
      {
        name: `telemetry cost: ${label}, CPU per request, SDK floor`,
        value: cpu(floorSamples),
        unit: 'µs',
        baseline: cpu(beforeSamples),
        ratio: cpu(floorSamples) / cpu(beforeSamples),
      },
      {
        name: `telemetry cost: ${label}, SDK floor: spans / served`,
        value: floorTally.spans,
        unit: 'spans',
        baseline: floorTally.served,
        ratio: floorTally.spans / floorTally.served,
        target: '= 1 (all traced)',
        pass: floorTally.served > 0 && floorTally.spans === floorTally.served,
      },
    ];
  } finally {
    await Promise.all(subjects.map((subject) => subject.close()));
  }
}

async function sample(subject: Subject): Promise<Sample> {
  const cpuBefore = await subject.cpuMicros();
  const result = await autocannon({
    url: subject.url,
    connections: CONNECTIONS,
    duration: SAMPLE_S,
    headers: { traceparent: TRACEPARENT },
  });
  const cpuAfter = await subject.cpuMicros();
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(
      `${subject.name} (${subject.url}): ${result.errors} errors and ${result.non2xx} non-2xx answers under load`,
    );
  }
  return {
    requestsPerSecond: result.requests.total / SAMPLE_S,
    cpuMicrosPerRequest: (cpuAfter - cpuBefore) / result.requests.total,
  };
}

/** Spawns `node bundle mode handler` with no OTEL_* variable (the SDK side registers its own). */
async function spawnSubject(
  name: string,
  bundle: string,
  mode: 'plain' | 'sdk' | 'floor',
  handler: Handler,
): Promise<Subject> {
  const child = spawn(process.execPath, [bundle, mode, handler], {
    env: withoutTelemetryEnv(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the ${name} telemetry cost fixture exited`);
    return JSON.parse(line.value) as T;
  };
  const ask = async <T>(command: string): Promise<T> => {
    child.stdin.write(`${command}\n`);
    return next<T>();
  };
  const { port } = await next<{ port: number }>();
  return {
    name,
    url: `http://127.0.0.1:${port}/hello?name=bench`,
    cpuMicros: async () => (await ask<{ cpu: number }>('cpu')).cpu,
    tally: () => ask('tally'),
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** This process' environment without OTEL_* (telemetry off) and without NODE_OPTIONS. */
function withoutTelemetryEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key === 'METRICS') delete env[key];
  return env;
}

async function coldStart(variants: Record<string, Record<Tree, string>>): Promise<BenchFigure[]> {
  const subjects = Object.entries(variants).flatMap(([variant, bundles]) =>
    (['before', 'now'] as const).map((tree) => ({
      variant,
      tree,
      bundle: bundles[tree],
      cpu: [] as number[],
    })),
  );
  // All four in alternation, so that the machine's drift weighs on each alike.
  const ms = await medians(
    COLD_ROUNDS,
    subjects.map((subject) => async () => {
      const ready = await startToReady(subject.bundle);
      subject.cpu.push(ready.cpuMs);
      return ready.ms;
    }),
  );
  return Object.keys(variants).flatMap((variant) => {
    const at = (tree: Tree): number => subjects.findIndex((s) => s.variant === variant && s.tree === tree);
    const [before = NaN, now = NaN] = [ms[at('before')], ms[at('now')]];
    const [beforeCpu, nowCpu] = [median(subjects[at('before')]!.cpu), median(subjects[at('now')]!.cpu)];
    return [
      { name: `telemetry cost: cold start before issue 16, ${variant}`, value: before, unit: 'ms' },
      {
        name: `telemetry cost: cold start, telemetry off, ${variant}`,
        value: now,
        unit: 'ms',
        baseline: before,
        ratio: now / before,
        target: `≤ ${COLD_START_TARGET}×`,
        pass: now / before <= COLD_START_TARGET,
      },
      {
        name: `telemetry cost: cold start CPU to ready, ${variant}`,
        value: nowCpu,
        unit: 'ms',
        baseline: beforeCpu,
        ratio: nowCpu / beforeCpu,
      },
    ];
  });
}

/** Spawns the service bundle and returns the ms from spawn to its first 200 on /readyz, and its CPU ms then. */
async function startToReady(bundle: string): Promise<{ ms: number; cpuMs: number }> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, [bundle], {
    env: withoutTelemetryEnv({ PORT: String(port) }),
    stdio: 'ignore',
  });
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => (gone = true));
  try {
    const deadline = startedAt + 30_000;
    while (performance.now() < deadline && !gone) {
      if ((await status(port, '/readyz')) === 200) {
        return { ms: performance.now() - startedAt, cpuMs: cpuMillis(child.pid) };
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`${bundle} ${gone ? 'exited before it was ready' : 'was not ready within 30 s'}`);
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

/** The CPU ms process `pid` has used (Linux /proc, utime + stime; NaN elsewhere). 10 ms resolution. */
function cpuMillis(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await run());
}
