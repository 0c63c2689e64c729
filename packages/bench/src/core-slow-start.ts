import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TransportServer } from '@kratos-ts/core';
import type { BenchFigure } from './bench-figure.js';
import { kernelWith, running } from './kernel-fixture.js';
import { medians, timed } from './measure.js';

const SERVERS = 200;
const START_MS = 50;
/** Independent runs, each its own kernel/baseline ratio. */
const RUNS = 10;
/** Samples of each side per run (alternated), of which the median counts. */
const ROUNDS = 15;
const TARGET_RATIO = 1.03;
const RUN_LIMIT = 1.05;
const RUNS_WITHIN_LIMIT = 9;

function slowServers(): TransportServer[] {
  return Array.from({ length: SERVERS }, (_, i) => ({
    name: `slow-${i}`,
    start: (signal: AbortSignal) => sleep(START_MS, undefined, { signal }),
    stop: () => undefined,
  }));
}

/** One run: the medians of `ROUNDS` baseline and kernel samples, taken in alternation. */
async function oneRun(): Promise<{ baseline: number; kernel: number }> {
  const [baseline = Number.NaN, kernel = Number.NaN] = await medians(ROUNDS, [
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
  return { baseline, kernel };
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * (a) 200 servers that each take 50 ms to start: time from run() to `running`, against a
 * hand-written Promise.all over the same servers in the same process, in 10 runs. Targets: the
 * median ratio ≤ 1.03×, and at least 9 of the 10 runs ≤ 1.05×.
 */
export async function run(): Promise<BenchFigure[]> {
  const runs: { baseline: number; kernel: number; ratio: number }[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const { baseline, kernel } = await oneRun();
    runs.push({ baseline, kernel, ratio: kernel / baseline });
  }
  const ratio = median(runs.map((r) => r.ratio));
  const within = runs.filter((r) => r.ratio <= RUN_LIMIT).length;
  const ratios = runs.map((r) => r.ratio.toFixed(3)).join(' ');
  return [
    {
      name: `${SERVERS} servers × ${START_MS} ms start, run() → running (median of ${RUNS} runs)`,
      value: median(runs.map((r) => r.kernel)),
      unit: 'ms',
      baseline: median(runs.map((r) => r.baseline)),
      ratio,
      target: `≤ ${TARGET_RATIO}×`,
      pass: ratio <= TARGET_RATIO,
    },
    {
      name: `runs ≤ ${RUN_LIMIT}× (ratios: ${ratios})`,
      value: within,
      unit: `of ${RUNS}`,
      target: `≥ ${RUNS_WITHIN_LIMIT} of ${RUNS}`,
      pass: within >= RUNS_WITHIN_LIMIT,
    },
  ];
}
