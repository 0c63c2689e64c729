import { LifecycleKernel, type TransportServer } from '@kratos-ts/core';
import type { BenchFigure } from './bench-figure.js';
import { containerWith, running } from './kernel-fixture.js';
import { medians, timed } from './measure.js';

const SIZES = [500, 1_000, 2_000, 4_000];
const TARGET_US = 50;

function noOpServers(count: number): TransportServer[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `noop-${i}`,
    start: async () => undefined,
    stop: async () => undefined,
  }));
}

/**
 * (b) N no-op servers started and stopped: the kernel (container resolution included) against
 * Promise.all over the same servers, in µs per server. Target ≤ 50 µs per server at 2000, growing
 * linearly with N (per-server cost flat from 500 to 4000).
 */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const perServer = new Map<number, number>();
  for (const size of SIZES) {
    const [baseline = Number.NaN, kernel = Number.NaN] = await medians(15, [
      () =>
        timed(async () => {
          const servers = noOpServers(size);
          const signal = new AbortController().signal;
          await Promise.all(servers.map((server) => server.start(signal)));
          await Promise.all(servers.map((server) => server.stop(signal)));
        }),
      async () => {
        // Binding is the user's code; resolution (container.get) is the kernel's and is timed.
        const container = containerWith(noOpServers(size));
        return timed(async () => {
          const app = container.get(LifecycleKernel);
          const settled = app.run();
          await running(app);
          await app.stop();
          await settled;
        });
      },
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
    target: '≤ 1.5× (linear)',
    pass: growth <= 1.5,
  });
  return figures;
}
