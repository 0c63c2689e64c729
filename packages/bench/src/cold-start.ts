import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './bench-figure.js';
import { median } from './measure.js';

const ROUNDS = 7;
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

interface Subject {
  readonly script: string;
  readonly readyPath: string;
  readonly env?: Record<string, string>;
}

const BARE: Subject = { script: here('./fixtures/bare-http.js'), readyPath: '/' };
const IMPORTS: Subject = { script: here('./fixtures/bare-http-imports.js'), readyPath: '/' };
const NEST: Subject = { script: here('./fixtures/nest-greeter.js'), readyPath: '/hello?name=x' };
const EXAMPLE: Subject = {
  script: here('../../example/dist/main.js'),
  readyPath: '/readyz',
  env: { GRPC_PORT: 'off', HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
};

/**
 * Cold start of the example (HTTP only) to its first `/readyz` 200, against a bare node:http
 * server, the same server after the unavoidable imports (reflect-metadata, inversify, rxjs, pino,
 * express), and an equivalent NestJS app. Target: example ≤ 1.10 × the imports baseline.
 */
export async function run(): Promise<BenchFigure[]> {
  const bare = await median(ROUNDS, () => coldStart(BARE));
  const imports = await median(ROUNDS, () => coldStart(IMPORTS));
  const example = await median(ROUNDS, () => coldStart(EXAMPLE));
  const nest = await median(ROUNDS, () => coldStart(NEST));
  return [
    { name: 'cold start: bare node:http', value: bare, unit: 'ms' },
    {
      name: 'cold start: bare + unavoidable imports',
      value: imports,
      unit: 'ms',
      baseline: bare,
      ratio: imports / bare,
    },
    {
      name: 'cold start: example (HTTP) to /readyz 200',
      value: example,
      unit: 'ms',
      baseline: imports,
      ratio: example / imports,
      target: '≤ 1.10× imports',
      pass: example / imports <= 1.1,
    },
    {
      name: 'cold start: NestJS greeter (vs example)',
      value: nest,
      unit: 'ms',
      baseline: example,
      ratio: nest / example,
    },
  ];
}

/** Spawns `subject` and returns the ms from spawn to its first 200 on `readyPath`. */
async function coldStart(subject: Subject): Promise<number> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, [subject.script], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), ...subject.env },
    stdio: 'ignore',
  });
  try {
    const deadline = startedAt + 30_000;
    while (performance.now() < deadline) {
      if ((await status(port, subject.readyPath)) === 200) return performance.now() - startedAt;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`${subject.script} was not ready within 30 s`);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
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
