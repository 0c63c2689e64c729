import type { Node } from '../node.js';
import type { CallFeedback, Picked, PickOptions, Selector } from '../selector.js';
import { candidatesOf, indexBelow, once } from './candidates.js';

/** What `random()` takes. */
export interface RandomOptions {
  /** A source of numbers in [0, 1); default `Math.random`. Seed it in tests. */
  readonly random?: () => number;
}

/**
 * Picks uniformly at random among the nodes (after `exclude`), ignoring weights and feedback
 * (Kratos' `selector/random`). Stateless, so it suits many short-lived clients.
 *
 * @example
 * createHttpClient({ target: 'discovery:///greeter', discovery, selector: random() });
 */
export function random(options: RandomOptions = {}): Selector {
  const next = options.random ?? Math.random;
  return {
    name: 'random',
    pick(nodes: readonly Node[], pickOptions?: PickOptions): Picked {
      const candidates = candidatesOf('random', nodes, pickOptions);
      const node = candidates[indexBelow(candidates.length, next)]!;
      return { node, done: once<CallFeedback>(() => undefined) };
    },
  };
}
