import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { InMemoryRegistry } from '@kratos-ts/core';
import { p2c, wrr, type Selector } from '@kratos-ts/discovery';
import { createHttpClient } from '@kratos-ts/http/client';
import type { BenchFigure } from './bench-figure.js';

const SEQUENTIAL_CALLS = 3_000;
const CALLERS = 16;
const ROUNDS = 5;
const SAMPLE_MS = 1_000;
// The 10×-slower case: peers answer after PEER_DELAY_MS, the slow node after ten times that.
const PEER_DELAY_MS = 2;

// One HTTP server child on 127.0.0.1, port 0, answering after argv[1] ms; prints its port.
const SERVER = `
const http = require('node:http');
const delay = Number(process.argv[1]);
const server = http.createServer((req, res) => {
  const answer = () => res.end('ok');
  if (delay > 0) setTimeout(answer, delay); else answer();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

interface Fleet {
  readonly registry: InMemoryRegistry;
  readonly endpoints: readonly string[];
  readonly close: () => Promise<void>;
}

/**
 * Item 11 of the issue, through the real HTTP client over 3 real loopback HTTP servers (child
 * processes) found in an `InMemoryRegistry`:
 * (a) max/min of the calls each node gets out of 3000 sequential calls with `p2c()` (≤ 1.25);
 * (b) requests/s of `p2c()` vs `wrr()` with 16 concurrent callers, in alternating 1 s samples, the
 *     median of the per-round ratios (≥ 0.95×);
 * (c) the share of calls of a node 10× slower than its two peers (20 ms vs 2 ms), 16 callers (≤ 10%).
 */
export async function run(): Promise<BenchFigure[]> {
  const equal = await startFleet([0, 0, 0]);
  let sequentialRatio: number;
  let p2cRate: number;
  let wrrRate: number;
  let throughputRatio: number;
  try {
    // Warm-up: the servers' code is compiled and their connections' first calls are paid before
    // anything is counted (a fresh process answers its first hundreds of calls erratically).
    await rate(equal, p2c());
    await rate(equal, wrr());
    sequentialRatio = await sequentialSpread(equal);
    const ratios: number[] = [];
    const p2cRates: number[] = [];
    const wrrRates: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const p = (await rate(equal, p2c())).rate;
      const w = (await rate(equal, wrr())).rate;
      p2cRates.push(p);
      wrrRates.push(w);
      ratios.push(p / w);
    }
    p2cRate = median(p2cRates);
    wrrRate = median(wrrRates);
    throughputRatio = median(ratios);
  } finally {
    await equal.close();
  }
  const skewed = await startFleet([PEER_DELAY_MS, PEER_DELAY_MS, PEER_DELAY_MS * 10]);
  let slowShare: number;
  try {
    const { counts } = await rate(skewed, p2c());
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    slowShare = (counts.get(skewed.endpoints[2]!) ?? 0) / total;
  } finally {
    await skewed.close();
  }
  return [
    {
      name: 'p2c: 3000 sequential calls over 3 equal nodes, max/min',
      value: sequentialRatio,
      unit: '',
      target: '≤ 1.25',
      pass: sequentialRatio <= 1.25,
    },
    {
      name: `p2c vs wrr throughput, ${CALLERS} callers, 3 nodes`,
      value: p2cRate,
      unit: 'req/s',
      baseline: wrrRate,
      ratio: throughputRatio,
      target: '≥ 0.95×',
      pass: throughputRatio >= 0.95,
    },
    {
      name: `p2c: share of calls of a node 10× slower, ${CALLERS} callers`,
      value: slowShare * 100,
      unit: '%',
      target: '≤ 10%',
      pass: slowShare <= 0.1,
    },
  ];
}

/** A selector that counts the picks of each endpoint. */
function counting(selector: Selector, counts: Map<string, number>): Selector {
  return {
    name: selector.name,
    pick(nodes, options) {
      const picked = selector.pick(nodes, options);
      counts.set(picked.node.endpoint, (counts.get(picked.node.endpoint) ?? 0) + 1);
      return picked;
    },
  };
}

async function sequentialSpread(fleet: Fleet): Promise<number> {
  const counts = new Map<string, number>(fleet.endpoints.map((endpoint) => [endpoint, 0]));
  const client = createHttpClient({
    target: 'discovery:///bench',
    discovery: fleet.registry,
    selector: counting(p2c(), counts),
    retry: false,
  });
  try {
    for (let i = 0; i < SEQUENTIAL_CALLS; i += 1) await client.request({ path: '/' });
  } finally {
    await client.close();
  }
  return Math.max(...counts.values()) / Math.min(...counts.values());
}

/** Requests/s of `selector` over `fleet` with CALLERS concurrent callers for SAMPLE_MS, and its picks. */
async function rate(
  fleet: Fleet,
  selector: Selector,
): Promise<{ rate: number; counts: Map<string, number> }> {
  const counts = new Map<string, number>(fleet.endpoints.map((endpoint) => [endpoint, 0]));
  const client = createHttpClient({
    target: 'discovery:///bench',
    discovery: fleet.registry,
    selector: counting(selector, counts),
    retry: false,
  });
  let done = 0;
  try {
    await client.request({ path: '/' }); // the node set resolved before the clock starts
    const startedAt = performance.now();
    const until = startedAt + SAMPLE_MS;
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (performance.now() < until) {
          await client.request({ path: '/' });
          done += 1;
        }
      }),
    );
    return { rate: (done * 1_000) / (performance.now() - startedAt), counts };
  } finally {
    await client.close();
  }
}

async function startFleet(delays: readonly number[]): Promise<Fleet> {
  const children: ChildProcess[] = [];
  const registry = new InMemoryRegistry();
  const endpoints: string[] = [];
  try {
    for (const [i, delay] of delays.entries()) {
      const child = spawn(process.execPath, ['-e', SERVER, String(delay)], {
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.push(child);
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const line = await lines.next();
      if (line.done) throw new Error(`bench server ${i} exited before listening`);
      const endpoint = `http://127.0.0.1:${Number(line.value)}`;
      endpoints.push(endpoint);
      await registry.register({
        id: `bench-${i}`,
        name: 'bench',
        version: '1',
        metadata: {},
        endpoints: [endpoint],
      });
    }
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
  return {
    registry,
    endpoints,
    close: async () => {
      await Promise.all(
        children.map(async (child) => {
          const exited = once(child, 'exit');
          child.stdin?.end();
          await exited;
        }),
      );
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await run());
}
