import type { BenchFigure } from './bench-figure.js';
import type { InstanceTimeline } from './fleet/example-instance.js';
import { measureRollingRestart, type ClientReport } from './fleet/rolling-restart.js';

const SIZE = 3;
const DRAIN_DELAY_MS = 1_000;
const STEADY_MS = 6_000;
const TAIL_MS = 1_000;
const WORKERS = 8;
const PAUSE_MS = 5;

/**
 * Fleet: rolling restart. A real etcd, 3 example instances (drainDelay 1000 ms) and steady load
 * through both project clients on `discovery:///greeter` (8 callers each, 5 ms pause); each
 * instance is replaced in turn (start new, wait registered and running, SIGTERM old, wait exit).
 * Targets: 0 failed calls per client; p99 during the restart ≤ 2× the steady p99.
 */
export async function run(): Promise<BenchFigure[]> {
  const report = await measureRollingRestart({
    size: SIZE,
    drainDelayMs: DRAIN_DELAY_MS,
    steadyMs: STEADY_MS,
    tailMs: TAIL_MS,
    workers: WORKERS,
    pauseMs: PAUSE_MS,
  });
  printTimeline(report.instances, report.window);
  return [
    ...clientFigures('fleet', 'http', report.http),
    ...clientFigures('fleet', 'grpc', report.grpc),
    { name: 'fleet: total replacement time (3 instances)', value: report.replacementMs, unit: 'ms' },
  ];
}

/** Prints the timeline of every instance of a rolling restart and returns both clients' figures. */
export function clientFigures(scenario: string, client: string, r: ClientReport): BenchFigure[] {
  const prefix = `${scenario} ${client} client:`;
  const failures = r.failures.length > 0 ? ` (${r.failures.join(' | ')})` : '';
  return [
    { name: `${prefix} requests sent`, value: r.sent, unit: 'req' },
    { name: `${prefix} ok`, value: r.ok, unit: 'req' },
    { name: `${prefix} failed${failures}`, value: r.failed, unit: 'req', target: '0', pass: r.failed === 0 },
    { name: `${prefix} instances that answered`, value: r.instancesSeen, unit: '' },
    { name: `${prefix} p50 steady (${r.steady.calls} calls)`, value: r.steady.p50, unit: 'ms' },
    {
      name: `${prefix} p50 during restart (${r.restart.calls} calls)`,
      value: r.restart.p50,
      unit: 'ms',
      baseline: r.steady.p50,
      ratio: r.restart.p50 / r.steady.p50,
    },
    { name: `${prefix} p99 steady`, value: r.steady.p99, unit: 'ms' },
    {
      name: `${prefix} p99 during restart`,
      value: r.restart.p99,
      unit: 'ms',
      baseline: r.steady.p99,
      ratio: r.restart.p99 / r.steady.p99,
      target: '≤ 2× steady',
      pass: r.restart.p99 <= 2 * r.steady.p99,
    },
  ];
}

const COLUMNS: readonly (keyof InstanceTimeline | 'clientDropped')[] = [
  'spawned',
  'registered',
  'running',
  'signalled',
  'deregistered',
  'clientDropped',
  'listenerClosed',
  'exited',
];

/** Prints when each instance of a rolling restart reached each point of its life. */
export function printTimeline(
  instances: readonly { id: string; timeline: InstanceTimeline; clientDropped?: number }[],
  [from, to]: readonly [number, number],
): void {
  console.log(
    `instance timelines, ms on one clock (restart window ${from}–${to}); clientDropped: the HTTP client's node set let go of it`,
  );
  console.log(['instance'.padEnd(10), ...COLUMNS.map((c) => c.padStart(14))].join(''));
  for (const { id, timeline, clientDropped } of instances) {
    const at = { ...timeline, clientDropped } as Record<string, number | undefined>;
    console.log(
      [id.slice(0, 8).padEnd(10), ...COLUMNS.map((c) => String(at[c] ?? '–').padStart(14))].join(''),
    );
  }
}
