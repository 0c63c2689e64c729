import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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

const BUNDLE_VS_BARE = 1.6;
const BUNDLE_VS_NEST = 0.35;

/**
 * Cold start, from spawn to the first 200, of the example's HTTP service (gRPC off) as
 * `npm start` runs it (bundled, see docs/performance.md), against a bare node:http server and an
 * equivalent NestJS app, in alternation in the same run; the unbundled example for reference.
 * Targets: bundled example ≤ 1.6× bare node:http and ≤ 0.35× NestJS.
 */
export async function run(): Promise<BenchFigure[]> {
  const cache = codeCache();
  const [bare = NaN, bundled = NaN, nest = NaN, unbundled = NaN] = await medians(
    ROUNDS,
    [BARE, BUNDLED, NEST, UNBUNDLED].map((subject) => () => coldStart(subject)),
  );
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
      if ((await status(port, subject.readyPath)) === 200) return performance.now() - startedAt;
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
