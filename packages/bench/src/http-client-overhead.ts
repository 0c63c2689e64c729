import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHttpClient } from '@kratos-ts/http/client';
import type { BenchFigure } from './bench-figure.js';

const CALLERS = [1, 32] as const;
const ROUNDS = 8;
const SAMPLE_MS = 600;
const TARGET = 0.95;

// The loopback server both clients call: a bare node:http server answering a small body, in its own
// process so that its CPU is not the clients'. Prints its port once listening.
const SERVER = `
import { createServer } from 'node:http';
const server = createServer({ keepAliveTimeout: 60_000 }, (_req, res) => res.end('hello world'));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

/** The part of undici's `Pool` the baseline uses. */
interface BarePool {
  request(options: {
    method: string;
    path: string;
  }): Promise<{ body: { arrayBuffer(): Promise<ArrayBuffer> } }>;
  close(): Promise<void>;
}
type PoolClass = new (origin: string, options: { headersTimeout: number; bodyTimeout: number }) => BarePool;

/**
 * undici as @kratos-ts/http resolves it: the very module (and version) the client runs on, not
 * whatever other undici the workspace root may hold.
 */
async function undiciPool(): Promise<PoolClass> {
  const require = createRequire(fileURLToPath(import.meta.resolve('@kratos-ts/http/client')));
  const undici = (await import(pathToFileURL(require.resolve('undici')).href)) as { Pool: PoolClass };
  return undici.Pool;
}

/** One request as a caller makes it; resolves with the body's length. */
type Call = () => Promise<number>;

/** What one sample measured. */
interface Sample {
  readonly requestsPerSecond: number;
  readonly cpuMicrosPerRequest: number;
}

/**
 * The HTTP client's own cost (issue 12): `createHttpClient` on a fixed target against a bare undici
 * `Pool` on the same loopback server, from the same process, with 1 and 32 concurrent callers (each
 * a loop of GET requests reading the whole body). The two alternate in 0.6 s samples, 8 rounds
 * after a warm-up; the ratio is the median of the per-round ratios of requests/s. Target ≥ 0.95×
 * at both. This process's CPU time per request is reported too (the server runs in a child).
 */
export async function run(): Promise<BenchFigure[]> {
  const server = spawn(process.execPath, ['--input-type=module', '-e', SERVER], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const origin = `http://127.0.0.1:${await portOf(server)}`;
    const Pool = await undiciPool();
    const figures: BenchFigure[] = [];
    for (const callers of CALLERS) {
      // Fresh pools per caller count, configured as the client configures its pool of a node.
      const pool = new Pool(origin, { headersTimeout: 0, bodyTimeout: 0 });
      const client = createHttpClient({ target: origin });
      const bare: Call = async () => {
        const { body } = await pool.request({ method: 'GET', path: '/' });
        return (await body.arrayBuffer()).byteLength;
      };
      const kratos: Call = async () => (await client.request({ method: 'GET', path: '/' })).body.length;
      try {
        figures.push(...(await compare(callers, bare, kratos)));
      } finally {
        await Promise.all([pool.close(), client.close()]);
      }
    }
    return figures;
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}

async function compare(callers: number, bare: Call, kratos: Call): Promise<BenchFigure[]> {
  await sample(callers, bare);
  await sample(callers, kratos);
  const bareSamples: Sample[] = [];
  const kratosSamples: Sample[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    bareSamples.push(await sample(callers, bare));
    kratosSamples.push(await sample(callers, kratos));
  }
  const ratio = median(kratosSamples.map((s, i) => s.requestsPerSecond / bareSamples[i]!.requestsPerSecond));
  const bareRps = median(bareSamples.map((s) => s.requestsPerSecond));
  const bareCpu = median(bareSamples.map((s) => s.cpuMicrosPerRequest));
  const kratosCpu = median(kratosSamples.map((s) => s.cpuMicrosPerRequest));
  const plural = callers === 1 ? 'caller' : 'callers';
  return [
    { name: `http client: bare undici Pool, ${callers} ${plural}`, value: bareRps, unit: 'req/s' },
    {
      name: `http client: overhead vs undici, ${callers} ${plural}`,
      value: median(kratosSamples.map((s) => s.requestsPerSecond)),
      unit: 'req/s',
      baseline: bareRps,
      ratio,
      target: `≥ ${TARGET}×`,
      pass: ratio >= TARGET,
    },
    {
      name: `http client: CPU per request vs undici, ${callers} ${plural}`,
      value: kratosCpu,
      unit: 'µs',
      baseline: bareCpu,
      ratio: kratosCpu / bareCpu,
    },
  ];
}

/** `callers` concurrent loops of `call` for SAMPLE_MS: requests/s and this process's CPU per request. */
async function sample(callers: number, call: Call): Promise<Sample> {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const endAt = startedAt + SAMPLE_MS;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < endAt) {
      if ((await call()) === 0) throw new Error('the server answered an empty body');
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: callers }, loop));
  const elapsed = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return { requestsPerSecond: (done * 1000) / elapsed, cpuMicrosPerRequest: (cpu.user + cpu.system) / done };
}

async function portOf(child: ChildProcess): Promise<number> {
  if (!child.stdout) throw new Error('the server child has no stdout');
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const port = Number(line);
    if (Number.isInteger(port) && port > 0) return port;
  }
  throw new Error('the server child exited before it printed its port');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
