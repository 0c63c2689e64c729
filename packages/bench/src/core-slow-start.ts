import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TransportServer } from '@kratos-ts/core';
import type { BenchFigure } from './bench-figure.js';
import { kernelWith, running } from './kernel-fixture.js';
import { medians, timed } from './measure.js';

const SERVERS = 200;
const START_MS = 50;

function slowServers(): TransportServer[] {
  return Array.from({ length: SERVERS }, (_, i) => ({
    name: `slow-${i}`,
    start: (signal: AbortSignal) => sleep(START_MS, undefined, { signal }),
    stop: () => undefined,
  }));
}

/**
 * (a) 200 servers that each take 50 ms to start: time from run() to `running`, against a
 * hand-written Promise.all over the same servers in the same process. Target ≤ 1.05×.
 */
export async function run(): Promise<BenchFigure[]> {
  const [baseline = Number.NaN, kernel = Number.NaN] = await medians(31, [
    () => timed(() => Promise.all(slowServers().map((server) => server.start(new AbortController().signal)))),
    async () => {
      const app = kernelWith(slowServers());
      const startedAt = performance.now();
      const settled = app.run();
      await running(app);
      const toRunning = performance.now() - startedAt;
      await app.stop();
      await settled;
      return toRunning;
    },
  ]);
  return [
    {
      name: `${SERVERS} servers × ${START_MS} ms start, run() → running`,
      value: kernel,
      unit: 'ms',
      baseline,
      ratio: kernel / baseline,
      target: '≤ 1.05×',
      pass: kernel / baseline <= 1.05,
    },
  ];
}
