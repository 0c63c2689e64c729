import { DEFAULT_WEIGHT, type Node } from '../node.js';
import { clampWeight } from '../node-weights.js';
import type { CallFeedback, Picked, PickOptions, Selector } from '../selector.js';
import { candidatesOf, indexBelow, once } from './candidates.js';
import { EndpointStates } from './endpoint-states.js';

/** What `p2c()` takes: sources of randomness and time, to make tests deterministic. */
export interface P2cOptions {
  /** A source of numbers in [0, 1); default `Math.random`. */
  readonly random?: () => number;
  /** The time in milliseconds, monotonic; default `performance.now()`. */
  readonly now?: () => number;
}

// The EWMA's time constant, as Kratos' selector/node/ewma has it: a sample's weight decays to 1/e
// after `TAU_MS`, and so does the cost of a node left idle that long.
const TAU_MS = 600;
// Every sample weighs at least this much, so that a few unrepresentative early samples (the first
// call pays for connecting) are forgotten after some twenty calls, however close together.
const MIN_SAMPLE_WEIGHT = 0.1;
// How many of its own calls' time an idle node's cost takes to fade to 1/e (capped at `TAU_MS`).
const IDLE_DECAY_CALLS = 20;
// Two latencies within this ratio of each other count as the same.
const SAME_LATENCY_RATIO = 3;
// The latency assumed of a node never measured, and how long a node may go unpicked before it is
// picked once anyway (Kratos' forcePick): a node failing every call is probed that often.
const UNMEASURED_LATENCY_MS = 10_000;
const FORCE_PICK_AFTER_MS = 3_000;
// Keeps a 0 ms sample finite in the log average; far below any real call.
const LATENCY_FLOOR_MS = 0.001;
// A node whose every recent call failed still ranks by its load among failing nodes.
const SUCCESS_FLOOR = 1e-3;

interface NodeStats {
  /** EWMA of the logarithm of call durations in ms; meaningful once `measured`. */
  logLatency: number;
  /** EWMA of 1 per success and 0 per failure. */
  success: number;
  measured: boolean;
  /** When feedback last updated the averages. */
  stamp: number;
  lastPick: number;
  /** Start times of the calls in flight. */
  readonly inflight: Set<{ readonly start: number }>;
}

/**
 * Power of two choices over per-node load (Kratos' default `selector/p2c`, with the cost decay of
 * Finagle's and Linkerd's peak-EWMA balancers): each pick draws two distinct nodes at random and
 * takes the less loaded, where a node's load is its latency times its calls in flight plus one,
 * divided by its success rate and by `weight / 100`; equal loads are a coin toss.
 *
 * - Latency: an EWMA of the logarithm of call durations (a geometric mean: one call 20× slower
 *   moves a busy node's by at most 20^0.1 ≈ 1.35×, not for long), each sample weighing by the time
 *   since the previous one, measured in some twenty calls' time (at most τ = 600 ms, Kratos'), and
 *   at least 10%: a node measured again after a long idle is judged mostly on that call.
 * - Two latencies within 3× of each other count as equal. Closer than that they are noise on a
 *   busy machine — and a node picked less is measured colder, so acting on them starves it —
 *   while under concurrency a slower node's calls pile up in flight and its queue says it anyway.
 *   A node 10× slower than its peers is avoided on latency alone.
 * - A node with no call in flight sees its latency fade with the time since it was last measured,
 *   over some twenty calls of the faster node of the draw (at most 600 ms): a node that lost
 *   comparisons, or whose first call paid for connecting, is measured afresh a few calls later; a
 *   node really 10× slower comes back once per ~46 calls of its peer, and is measured slow again.
 * - Success: an EWMA too; failures lower it, so a failing node loses nearly every draw.
 * - A node never measured is picked the first time it is drawn, like any node not picked for 3 s
 *   (Kratos' forcePick): a node penalised for errors is probed again and recovers when it answers well.
 * - Calls still in flight longer than the node's average latency raise its estimate (a hung node
 *   loses traffic before any of its calls ends).
 * - One node (after `exclude`) is picked without drawing.
 *
 * The default selector of the clients. Report every call through `done`: a pick never reported
 * stays "in flight" and keeps its node's load up.
 *
 * @example
 * const selector = p2c();
 * const { node, done } = selector.pick(await nodes.ready(signal));
 * const start = performance.now();
 * try { await call(node); done({ duration: performance.now() - start }); }
 * catch (error) { done({ duration: performance.now() - start, error }); throw error; }
 */
export function p2c(options: P2cOptions = {}): Selector {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const states = new EndpointStates<NodeStats>(() => ({
    logLatency: 0,
    success: 1,
    measured: false,
    stamp: 0,
    lastPick: Number.NEGATIVE_INFINITY,
    inflight: new Set(),
  }));

  const take = (node: Node, stats: NodeStats, at: number): Picked => {
    const call = { start: at };
    stats.lastPick = at;
    stats.inflight.add(call);
    return {
      node,
      done: once((feedback: CallFeedback) => {
        stats.inflight.delete(call);
        const end = now();
        const sample =
          typeof feedback.duration === 'number' &&
          Number.isFinite(feedback.duration) &&
          feedback.duration >= 0
            ? feedback.duration
            : Math.max(0, end - call.start);
        // The average remembers some twenty calls' time (at most τ): a node measured again after a
        // long idle (it lost comparisons, its first call paid for connecting) is judged mostly on
        // this call, not on the stale average that kept it idle.
        const memory = Math.min(TAU_MS, IDLE_DECAY_CALLS * Math.max(sample, LATENCY_FLOOR_MS));
        const w = stats.measured
          ? Math.min(Math.exp(-Math.max(0, end - stats.stamp) / memory), 1 - MIN_SAMPLE_WEIGHT)
          : 0;
        const logSample = Math.log(Math.max(sample, LATENCY_FLOOR_MS));
        stats.logLatency = stats.logLatency * w + logSample * (1 - w);
        stats.success = stats.success * w + (feedback.error === undefined ? 1 : 0) * (1 - w);
        stats.measured = true;
        stats.stamp = end;
      }),
    };
  };

  return {
    name: 'p2c',
    pick(nodes: readonly Node[], pickOptions?: PickOptions): Picked {
      const candidates = candidatesOf('p2c', nodes, pickOptions);
      states.retain(nodes);
      const at = now();
      if (candidates.length === 1) {
        const only = candidates[0]!;
        return take(only, states.of(only), at);
      }
      const a = indexBelow(candidates.length, random);
      let b = indexBelow(candidates.length - 1, random);
      if (b >= a) b++;
      const nodeA = candidates[a]!;
      const nodeB = candidates[b]!;
      const statsA = states.of(nodeA);
      const statsB = states.of(nodeB);
      const measuredA = latencyOf(statsA);
      const measuredB = latencyOf(statsB);
      // An idle node's latency fades over some twenty calls of the faster of the two (at most τ).
      const tau = Math.min(TAU_MS, IDLE_DECAY_CALLS * Math.min(measuredA, measuredB));
      let latencyA = currentLatency(statsA, measuredA, tau, at);
      let latencyB = currentLatency(statsB, measuredB, tau, at);
      // Latencies this close are noise (a busy core, a GC pause, a node measured cold because it was
      // picked less): acting on them herds calls onto whichever node was measured last, and the node
      // picked less is measured colder still. They count as equal; queue, errors and weight decide.
      if (Math.max(latencyA, latencyB) < SAME_LATENCY_RATIO * Math.min(latencyA, latencyB)) {
        latencyA = latencyB = Math.sqrt(latencyA * latencyB);
      }
      const loadA = load(nodeA, statsA, latencyA);
      const loadB = load(nodeB, statsB, latencyB);
      const aWins = loadA < loadB || (loadA === loadB && random() < 0.5);
      const [better, betterStats, worse, worseStats] = aWins
        ? [nodeA, statsA, nodeB, statsB]
        : [nodeB, statsB, nodeA, statsA];
      // The loser would otherwise rarely be measured again, however much it has recovered.
      if (at - worseStats.lastPick > FORCE_PICK_AFTER_MS) return take(worse, worseStats, at);
      return take(better, betterStats, at);
    },
  };
}

/** The node's average latency in ms (geometric mean of recent calls), or a pessimistic guess. */
function latencyOf(stats: NodeStats): number {
  return stats.measured ? Math.max(Math.exp(stats.logLatency), LATENCY_FLOOR_MS) : UNMEASURED_LATENCY_MS;
}

/**
 * The latency to expect of a node now: its average, faded with the time since its last measure
 * when nothing is in flight on it (Finagle's and Linkerd's peak-EWMA decay a cost so: a node that
 * lost comparisons, or whose first call paid for connecting, is measured again a few calls later,
 * and one really 10× slower comes back once per ~46 calls of its peer, to be measured slow again);
 * raised to the age of its calls in flight when most of them have outlived the average (Kratos'
 * prediction: a hung node loses traffic before any of its calls ends).
 */
function currentLatency(stats: NodeStats, measured: number, tau: number, at: number): number {
  if (!stats.measured) return measured;
  if (stats.inflight.size === 0) return measured * Math.exp(-Math.max(0, at - stats.stamp) / tau);
  let late = 0;
  let total = 0;
  for (const call of stats.inflight) {
    const age = at - call.start;
    if (age > measured) {
      late++;
      total += age;
    }
  }
  return late > stats.inflight.size / 2 + 1 ? Math.max(measured, total / late) : measured;
}

/** Latency × queue length, over success rate and weight: always finite and > 0. */
function load(node: Node, stats: NodeStats, latency: number): number {
  const queue = Math.max(latency, LATENCY_FLOOR_MS) * (stats.inflight.size + 1);
  return queue / (Math.max(stats.success, SUCCESS_FLOOR) * (clampWeight(node.weight) / DEFAULT_WEIGHT));
}
