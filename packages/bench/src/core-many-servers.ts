import { LifecycleKernel, type TransportServer } from '@kratos-ts/core';
import type { BenchFigure } from './bench-figure.js';
import { containerWith, running } from './kernel-fixture.js';
import { collectYoungGarbage, medians, timed } from './measure.js';

const SIZES = [500, 1_000, 2_000, 4_000];
const TARGET_US = 10;
const TARGET_GROWTH = 1.3;
const WARM_UP_RUNS = 5;

function noOpServers(count: number): TransportServer[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `noop-${i}`,
    start: async () => undefined,
    stop: async () => undefined,
  }));
}

/** Promise.all over the servers' start, then over their stop. */
function baselineSample(size: number): Promise<number> {
  return timed(async () => {
    const servers = noOpServers(size);
    const signal = new AbortController().signal;
    await Promise.all(servers.map((server) => server.start(signal)));
    await Promise.all(servers.map((server) => server.stop(signal)));
  });
}

/** The kernel: resolved from a container, run until `running`, stopped. */
function kernelSample(size: number): Promise<number> {
  // Binding is the user's code; resolution (container.get) is the kernel's and is timed.
  const container = containerWith(noOpServers(size));
  collectYoungGarbage();
  return timed(async () => {
    const app = container.get(LifecycleKernel);
    const settled = app.run();
    await running(app);
    await app.stop();
    await settled;
  });
}

/**
 * (b) N no-op servers started and stopped: the kernel (container resolution included) against
 * Promise.all over the same servers, in µs per server. Targets: ≤ 10 µs per server at 2000, and a
 * per-server cost at 4000 at most 1.3× the one at 500 (close to linear).
 */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const perServer = new Map<number, number>();
  // Compile the kernel's per-server paths first: the 500-server samples must not pay for the JIT
  // (when this scenario runs alone, nothing has warmed it up).
  for (let i = 0; i < WARM_UP_RUNS; i += 1) await kernelSample(2_000);
  for (const size of SIZES) {
    const [baseline = Number.NaN, kernel = Number.NaN] = await medians(15, [
      () => baselineSample(size),
      () => kernelSample(size),
    ]);
    const us = (kernel * 1_000) / size;
    perServer.set(size, us);
    figures.push({
      name: `${size} no-op servers start+stop, per server`,
      value: us,
      unit: 'µs',
      baseline: (baseline * 1_000) / size,
      ratio: kernel / baseline,
      ...(size === 2_000 ? { target: `≤ ${TARGET_US} µs`, pass: us <= TARGET_US } : {}),
    });
  }
  const growth = (perServer.get(4_000) ?? 0) / (perServer.get(500) ?? 1);
  figures.push({
    name: 'per-server cost at 4000 vs at 500 (1.0 = linear)',
    value: growth,
    unit: '×',
    ratio: growth,
    target: `≤ ${TARGET_GROWTH}×`,
    pass: growth <= TARGET_GROWTH,
  });
  return figures;
}
