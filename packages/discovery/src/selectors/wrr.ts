import type { Node } from '../node.js';
import { clampWeight } from '../node-weights.js';
import type { CallFeedback, Picked, PickOptions, Selector } from '../selector.js';
import { candidatesOf, once } from './candidates.js';
import { EndpointStates } from './endpoint-states.js';

interface WrrState {
  current: number;
}

/**
 * Smooth weighted round robin, as nginx does it (and Kratos' `selector/wrr`): over any window of
 * `sum(weights)` picks each node gets its share (`node.weight`, from the instance's `weight`
 * metadata, default 100), interleaved rather than in bursts; weights 5/1/1 give `a a b a c a a`.
 * A weight that is not a finite number > 0 counts as 100, one outside `NODE_WEIGHTS`' range as
 * its nearest bound, so the shares stay exact whatever the nodes say.
 * Feedback is accepted and ignored: the order depends on the weights only.
 *
 * @example
 * createHttpClient({ target: 'discovery:///greeter', discovery, selector: wrr() });
 */
export function wrr(): Selector {
  const states = new EndpointStates<WrrState>(() => ({ current: 0 }));
  return {
    name: 'wrr',
    pick(nodes: readonly Node[], options?: PickOptions): Picked {
      const candidates = candidatesOf('wrr', nodes, options);
      states.retain(nodes);
      let total = 0;
      let best: Node | undefined;
      let bestState: WrrState | undefined;
      for (const node of candidates) {
        const state = states.of(node);
        // Clamped, so that the running sums stay finite and exact (weights of 1e308 overflowed).
        const weight = clampWeight(node.weight);
        state.current += weight;
        total += weight;
        if (bestState === undefined || state.current > bestState.current) {
          best = node;
          bestState = state;
        }
      }
      bestState!.current -= total;
      return { node: best!, done: once<CallFeedback>(() => undefined) };
    },
  };
}
