import type { GreeterAnswer } from '@kratos-ts/example/greeter-clients';
import { Fleet, type EtcdOutage } from './fleet.js';
import type { InstanceTimeline } from './example-instance.js';
import { percentile, steadyLoad, type CallRecord } from './load.js';

/** What `measureRollingRestart` takes. */
export interface RollingRestartOptions {
  /** Instances in the fleet. */
  readonly size: number;
  /** `DRAIN_DELAY_MS` of every instance: must exceed the watch propagation to the clients. */
  readonly drainDelayMs: number;
  /** Load before the restart, whose latency is the baseline. */
  readonly steadyMs: number;
  /** Load after the restart, before it stops. */
  readonly tailMs: number;
  /** Concurrent callers per client. */
  readonly workers: number;
  /** Pause after each call per caller, ms. */
  readonly pauseMs: number;
  /** An etcd outage in the middle of the roll (see `Fleet.rollingRestart`). */
  readonly etcdOutage?: EtcdOutage;
}

/** The calls of one client, split by window. */
export interface ClientReport {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Up to 5 distinct failure messages. */
  readonly failures: readonly string[];
  readonly steady: { readonly p50: number; readonly p99: number; readonly calls: number };
  readonly restart: { readonly p50: number; readonly p99: number; readonly calls: number };
  /** How many distinct instances answered. */
  readonly instancesSeen: number;
}

/** One instance's life in the run, with when the HTTP client stopped using it. */
export interface InstanceReport {
  readonly id: string;
  readonly timeline: InstanceTimeline;
  /** When the HTTP client's node set dropped the instance's endpoint (ms on the fleet clock). */
  readonly clientDropped?: number;
  readonly exitCode: number | null | undefined;
}

/** What a rolling restart under load measured. */
export interface RollingRestartReport {
  readonly http: ClientReport;
  readonly grpc: ClientReport;
  readonly instances: readonly InstanceReport[];
  /** From the first new instance's spawn to the last old instance's exit, ms. */
  readonly replacementMs: number;
  /** When the restart began and ended, ms on the fleet clock. */
  readonly window: readonly [number, number];
}

/**
 * Starts a fleet (real etcd, `size` example instances), loads it through both project clients,
 * replaces every instance in turn, and reports every call, per window, and every instance's
 * timeline. Everything it started is gone when it settles.
 */
export async function measureRollingRestart(options: RollingRestartOptions): Promise<RollingRestartReport> {
  const fleet = await Fleet.start({
    size: options.size,
    env: { DRAIN_DELAY_MS: String(options.drainDelayMs) },
  });
  const stopLoad = new AbortController();
  const dropped = new Map<string, number>();
  const seen = new Set<string>();
  const watcher = setInterval(() => {
    const now = Date.now() - fleet.epoch;
    const nodes = new Set(fleet.clients.httpNodes());
    for (const node of nodes) seen.add(node);
    for (const node of seen) if (!nodes.has(node) && !dropped.has(node)) dropped.set(node, now);
  }, 5);
  try {
    const { clients, epoch } = fleet;
    // Both clients resolve and connect before the baseline is measured.
    await Promise.all([clients.http('warm-up'), clients.grpc('warm-up')]);
    const load = (call: () => Promise<GreeterAnswer>): Promise<CallRecord[]> =>
      steadyLoad(call, {
        workers: options.workers,
        pauseMs: options.pauseMs,
        epoch,
        signal: stopLoad.signal,
      });
    const loads = Promise.all([load(() => clients.http('fleet')), load(() => clients.grpc('fleet'))]);
    const steadyFrom = Date.now() - epoch;
    await sleep(options.steadyMs);
    const restartFrom = Date.now() - epoch;
    const old = [...fleet.instances];
    const codes = await fleet.rollingRestart(
      options.etcdOutage === undefined ? {} : { etcdOutage: options.etcdOutage },
    );
    const restartTo = Date.now() - epoch;
    await sleep(options.tailMs);
    stopLoad.abort();
    const [http, grpc] = await loads;
    const window = [restartFrom, restartTo] as const;
    const report = (records: CallRecord[]): ClientReport =>
      clientReport(records, [steadyFrom, restartFrom], window);
    return {
      http: report(http),
      grpc: report(grpc),
      instances: fleet.started.map((instance) => {
        const clientDropped = instance.endpoints
          .map((endpoint) => dropped.get(endpoint))
          .find((t) => t !== undefined);
        const oldIndex = old.indexOf(instance);
        return {
          id: instance.id ?? '?',
          timeline: { ...instance.timeline },
          ...(clientDropped === undefined ? {} : { clientDropped }),
          exitCode: oldIndex >= 0 ? codes[oldIndex] : undefined,
        };
      }),
      replacementMs: restartTo - restartFrom,
      window,
    };
  } finally {
    clearInterval(watcher);
    stopLoad.abort();
    await fleet.close();
  }
}

function clientReport(
  records: readonly CallRecord[],
  steady: readonly [number, number],
  restart: readonly [number, number],
): ClientReport {
  const failed = records.filter((record) => !record.ok);
  const within = ([from, to]: readonly [number, number]): number[] =>
    records.filter((record) => record.at >= from && record.at < to).map((record) => record.latency);
  const stats = (window: readonly [number, number]) => {
    const latencies = within(window);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), calls: latencies.length };
  };
  return {
    sent: records.length,
    ok: records.length - failed.length,
    failed: failed.length,
    failures: [...new Set(failed.map((record) => record.outcome))].slice(0, 5),
    steady: stats(steady),
    restart: stats(restart),
    instancesSeen: new Set(records.filter((record) => record.ok).map((record) => record.outcome)).size,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
