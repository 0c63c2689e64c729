import 'reflect-metadata';
import type { BenchFigure } from './bench-figure.js';

type Scenario = {
  readonly title: string;
  readonly load: () => Promise<{ run: () => Promise<BenchFigure[]> }>;
};

/** Every scenario of `npm run bench`, in order. `BENCH=core` (a substring) runs only matching ones. */
const SCENARIOS: readonly Scenario[] = [
  { title: 'core: slow starts', load: () => import('./core-slow-start.js') },
  { title: 'core: many servers', load: () => import('./core-many-servers.js') },
  { title: 'http: throughput', load: () => import('./http-throughput.js') },
  { title: 'http: SIGTERM under load', load: () => import('./http-sigterm.js') },
  { title: 'http: cold start', load: () => import('./cold-start.js') },
  { title: 'http client: overhead vs undici', load: () => import('./http-client-overhead.js') },
  { title: 'fleet: rolling restart', load: () => import('./fleet-rolling-restart.js') },
  {
    title: 'fleet: rolling restart with etcd restarted mid-roll',
    load: () => import('./fleet-etcd-restart.js'),
  },
  { title: 'selectors: balance and throughput', load: () => import('./selectors-balance.js') },
  { title: 'consumers: rolling restart', load: () => import('./consumers/consumers-rolling-restart.js') },
  { title: 'telemetry: cost', load: () => import('./telemetry-cost.js') },
];

const format = (n: number | undefined): string =>
  n === undefined ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);

async function main(): Promise<void> {
  const only = process.env.BENCH;
  let failed = 0;
  for (const scenario of SCENARIOS) {
    if (only && !scenario.title.includes(only)) continue;
    console.log(`\n## ${scenario.title}`);
    const figures = await (await scenario.load()).run();
    for (const f of figures) {
      const verdict = f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL';
      if (f.pass === false) failed += 1;
      console.log(
        [
          f.name.padEnd(58),
          `${format(f.value)} ${f.unit}`.padStart(14),
          f.baseline === undefined ? ''.padStart(20) : `baseline ${format(f.baseline)}`.padStart(20),
          f.ratio === undefined ? ''.padStart(10) : `${format(f.ratio)}×`.padStart(10),
          (f.target ?? '').padStart(18),
          verdict.padStart(5),
        ].join('  '),
      );
    }
  }
  console.log(`\n${failed === 0 ? 'every target met' : `${failed} target(s) missed`}`);
}

await main();
