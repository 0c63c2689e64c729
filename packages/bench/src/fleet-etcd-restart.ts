import type { BenchFigure } from './bench-figure.js';
import { clientFigures, printTimeline } from './fleet-rolling-restart.js';
import { measureRollingRestart } from './fleet/rolling-restart.js';

const SIZE = 3;
const DRAIN_DELAY_MS = 1_000;
const STEADY_MS = 4_000;
const TAIL_MS = 1_000;
const WORKERS = 8;
const PAUSE_MS = 5;
// etcd goes down just before the second replacement starts, for longer than a registration's first
// attempt takes and well within registrarTimeout (10 s): that replacement must wait for etcd.
const OUTAGE = { beforeInstance: 1, downMs: 3_000 };

/**
 * Fleet: the rolling restart of `fleet: rolling restart`, with etcd stopped just before the second
 * replacement starts and started again (same data) 3 s later. The replacement registers once etcd
 * is back; the clients keep calling the instances they know through the outage. Target: 0 failed
 * calls for both clients, every old instance exits 0.
 */
export async function run(): Promise<BenchFigure[]> {
  const scenario = 'fleet, etcd restarted mid-roll:';
  try {
    const report = await measureRollingRestart({
      size: SIZE,
      drainDelayMs: DRAIN_DELAY_MS,
      steadyMs: STEADY_MS,
      tailMs: TAIL_MS,
      workers: WORKERS,
      pauseMs: PAUSE_MS,
      etcdOutage: OUTAGE,
    });
    printTimeline(report.instances, report.window);
    const codes = report.instances.flatMap((instance) =>
      instance.exitCode === undefined ? [] : [instance.exitCode],
    );
    const clean = codes.filter((code) => code === 0).length;
    return [
      ...clientFigures(scenario, 'http', report.http),
      ...clientFigures(scenario, 'grpc', report.grpc),
      {
        name: `${scenario} old instances that exited 0`,
        value: clean,
        unit: `of ${codes.length}`,
        target: `${SIZE}`,
        pass: clean === SIZE,
      },
      { name: `${scenario} total replacement time`, value: report.replacementMs, unit: 'ms' },
    ];
  } catch (error) {
    // The roll itself failed (a replacement that could not register): that is the figure.
    const message = error instanceof Error ? error.message : String(error);
    const code = /KRATOS_[A-Z_]+/.exec(message)?.[0] ?? 'no code';
    console.log(`${scenario} the roll failed (${code}): ${message.split('\n')[0]!.slice(0, 300)}`);
    return [{ name: `${scenario} roll completed`, value: 0, unit: '', target: 'completed', pass: false }];
  }
}
