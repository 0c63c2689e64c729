import { performance } from 'node:perf_hooks';
import { ConsumerServer, type ConsumerAdapter } from '@kratos-ts/consumer';

/** A queue on a real broker that a `ConsumerServer` can consume, and how to fill it. */
export interface StopBenchQueue {
  /** The adapter on the process's open connection. */
  readonly adapter: ConsumerAdapter;
  /** The queue (AMQP) or durable consumer (JetStream). */
  readonly queue: string;
  /** Empties the queue, then publishes `count` JSON messages, confirmed. */
  refill(count: number): Promise<void>;
}

/** What `measureStopTimes` found, medians over its rounds (ms) and the worst round. */
export interface StopTimes {
  /** `stop()` of a consumer with nothing to do: from the call to its resolution. */
  readonly idleMs: number;
  /** The slowest idle stop of any round. */
  readonly idleWorstMs: number;
  /** `stop()` of a consumer whose handlers (5–100 ms) are running: from the call to its resolution. */
  readonly busyMs: number;
  /** How long the longest handler running at the `stop()` call still ran after it. */
  readonly busyHandlerMs: number;
  /** The largest `stop time − longest remaining handler` of any round: the drain's own cost. */
  readonly busyWorstOverheadMs: number;
  /** How many handlers were running at each stop (median). */
  readonly busyRunning: number;
}

const HANDLER_MIN_MS = 5;
const HANDLER_MAX_MS = 100;

/**
 * Stop times of an in-process `ConsumerServer` on a real broker, each round a fresh server:
 * idle (started on an empty queue, stopped 50 ms later), and busy (prefetch 10, the queue holding
 * 40 messages whose handlers wait 5–100 ms, uniform; stopped once 10 handlers ran), where the stop
 * is set against the longest handler still running at the call, as measured by the handlers.
 */
export async function measureStopTimes(target: StopBenchQueue, rounds: number): Promise<StopTimes> {
  const idle: number[] = [];
  const busy: { stopMs: number; handlerMs: number; running: number }[] = [];
  for (let i = 0; i < rounds + 1; i += 1) {
    const idleMs = await idleStop(target);
    const busyRound = await busyStop(target);
    // The first round warms up the connection and the code paths.
    if (i === 0) continue;
    idle.push(idleMs);
    busy.push(busyRound);
  }
  return {
    idleMs: median(idle),
    idleWorstMs: Math.max(...idle),
    busyMs: median(busy.map((round) => round.stopMs)),
    busyHandlerMs: median(busy.map((round) => round.handlerMs)),
    busyWorstOverheadMs: Math.max(...busy.map((round) => round.stopMs - round.handlerMs)),
    busyRunning: median(busy.map((round) => round.running)),
  };
}

async function idleStop(target: StopBenchQueue): Promise<number> {
  await target.refill(0);
  const server = new ConsumerServer({
    adapter: target.adapter,
    queue: target.queue,
    handler: () => undefined,
  });
  await server.start(AbortSignal.timeout(10_000));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const startedAt = performance.now();
  await server.stop(AbortSignal.timeout(10_000));
  return performance.now() - startedAt;
}

async function busyStop(
  target: StopBenchQueue,
): Promise<{ stopMs: number; handlerMs: number; running: number }> {
  await target.refill(40);
  const ends = new Map<number, number>(); // handler number → when it ended (performance.now())
  let started = 0;
  let running = 0;
  let tenStarted!: () => void;
  const ten = new Promise<void>((resolve) => (tenStarted = resolve));
  const server = new ConsumerServer({
    adapter: target.adapter,
    queue: target.queue,
    prefetch: 10,
    handler: async () => {
      const n = (started += 1);
      running += 1;
      if (n === 10) tenStarted();
      const ms = HANDLER_MIN_MS + Math.random() * (HANDLER_MAX_MS - HANDLER_MIN_MS);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      ends.set(n, performance.now());
    },
  });
  await server.start(AbortSignal.timeout(10_000));
  await ten;
  const runningAtStop = running;
  const startedBeforeStop = started;
  const stopAt = performance.now();
  await server.stop(AbortSignal.timeout(10_000));
  const stopMs = performance.now() - stopAt;
  let lastEnd = stopAt;
  for (let n = 1; n <= startedBeforeStop; n += 1) lastEnd = Math.max(lastEnd, ends.get(n) ?? stopAt);
  if (started !== startedBeforeStop)
    throw new Error(`${started - startedBeforeStop} handler(s) started after stop()`);
  return { stopMs, handlerMs: lastEnd - stopAt, running: runningAtStop };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
