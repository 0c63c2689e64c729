import { DEFAULT_WEIGHT, type Node } from '../node.js';
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

// Kratos' selector/node/ewma constants: the EWMA's time constant (a sample's weight decays to 1/e
// after `TAU_MS` without feedback), the latency assumed of a node never measured, and how long a
// node may go unpicked before it is picked once anyway (selector/p2c's forcePick).
const TAU_MS = 600;
const UNMEASURED_LATENCY_MS = 10_000;
const FORCE_PICK_AFTER_MS = 3_000;
// Without it a node measured at 0 ms would score 0 however many calls it has in flight.
const LATENCY_FLOOR_MS = 1;
// A node whose every recent call failed still ranks by its load among failing nodes.
const SUCCESS_FLOOR = 1e-3;

interface NodeStats {
  /** EWMA of call durations in ms; meaningful once `measured`. */
  latency: number;
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
 * Power of two choices over per-node load, like Kratos' default `selector/p2c` with
 * `selector/node/ewma`: each pick draws two distinct nodes at random and takes the less loaded,
 * where a node's load is its latency (an EWMA of call durations, decaying with the time since its
 * last feedback, τ = 600 ms as in Kratos) times its calls in flight plus one, divided by its
 * success rate (an EWMA too: failures lower it) and scaled down by `node.weight / 100`.
 *
 * - A node never measured is assumed slow (10 s) but is picked the first time it is drawn, like
 *   any node not picked for 3 s: so a node penalised for errors or latency is probed again, and
 *   recovers when it answers well.
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
    latency: 0,
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
        const w = stats.measured ? Math.exp(-Math.max(0, end - stats.stamp) / TAU_MS) : 0;
        stats.latency = stats.latency * w + sample * (1 - w);
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
      const [better, worse] =
        score(nodeB, statsB, at) < score(nodeA, statsA, at)
          ? ([nodeB, nodeA] as const)
          : ([nodeA, nodeB] as const);
      // The loser would otherwise never be measured again, however much it has recovered.
      const picked = at - states.of(worse).lastPick > FORCE_PICK_AFTER_MS ? worse : better;
      return take(picked, states.of(picked), at);
    },
  };
}

/** Lower is better: expected latency × queue length, over success rate and weight. */
function score(node: Node, stats: NodeStats, at: number): number {
  let latency = stats.measured ? stats.latency : UNMEASURED_LATENCY_MS;
  if (stats.measured && stats.inflight.size > 0) {
    // Kratos' prediction: when most calls in flight have outlived the average, their age is the
    // better estimate.
    let late = 0;
    let total = 0;
    for (const call of stats.inflight) {
      const age = at - call.start;
      if (age > latency) {
        late++;
        total += age;
      }
    }
    if (late > stats.inflight.size / 2 + 1) latency = Math.max(latency, total / late);
  }
  const load = Math.max(latency, LATENCY_FLOOR_MS) * (stats.inflight.size + 1);
  return load / (Math.max(stats.success, SUCCESS_FLOOR) * (node.weight / DEFAULT_WEIGHT));
}
