import type { ServiceInstance } from '@kratos-ts/core';
import type { Node, NodeSetState } from '../../src/index.js';
import { VirtualTimeScheduler } from 'rxjs';

/** An instance of "greeter" with the given endpoints. */
export function instance(
  id: string,
  endpoints: string[],
  extra: { version?: string; metadata?: Record<string, string> } = {},
): ServiceInstance {
  return {
    id,
    name: 'greeter',
    version: extra.version ?? '1.0.0',
    metadata: extra.metadata ?? {},
    endpoints,
  };
}

/** A node of a made-up instance, for selector tests: `node('a')` is http://a:80. */
export function node(name: string, weight = 100): Node {
  return {
    endpoint: `http://${name}:80`,
    address: `${name}:80`,
    scheme: 'http',
    weight,
    instance: instance(name, [`http://${name}:80`], { metadata: { weight: String(weight) } }),
  };
}

/** The host of a node made by `node()`, for compact expectations. */
export const hostOf = (picked: Node): string => picked.address.split(':')[0]!;

/** `resolving`, `empty`, or `ready[endpoint, …]`: states in one comparable string. */
export function describeState(state: NodeSetState): string {
  return state.kind === 'ready' ? `ready[${state.nodes.map((n) => n.endpoint).join(', ')}]` : state.kind;
}

/** Virtual time for tests that await promises between steps (where `TestScheduler.run` cannot). */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler();
  #now = 0;

  get now(): number {
    return this.#now;
  }

  /** Runs every action due within `ms`, and moves the clock `ms` on. */
  advance(ms: number): void {
    this.#now += ms;
    this.scheduler.maxFrames = this.#now;
    this.scheduler.flush();
    this.scheduler.frame = this.#now;
  }
}

/** Lets pending promise callbacks run (no timer involved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Follows a promise's outcome synchronously readable after `settle()`. */
export function track<T>(promise: Promise<T>): {
  status: 'pending' | 'resolved' | 'rejected';
  value?: T;
  error?: unknown;
} {
  const tracked: { status: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = {
    status: 'pending',
  };
  promise.then(
    (value) => {
      tracked.status = 'resolved';
      tracked.value = value;
    },
    (error: unknown) => {
      tracked.status = 'rejected';
      tracked.error = error;
    },
  );
  return tracked;
}

/** A seeded source of numbers in [0, 1) (mulberry32), for reproducible distributions. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
