import type { Node } from '../node.js';

/**
 * A selector's state per endpoint. The states of endpoints no longer listed are dropped, so a
 * long-lived client whose service churns through many addresses does not grow without bound, and
 * an address that comes back starts afresh.
 */
export class EndpointStates<S> {
  readonly #states = new Map<string, S>();
  readonly #create: (node: Node) => S;
  #listed: readonly Node[] | undefined;

  constructor(create: (node: Node) => S) {
    this.#create = create;
  }

  /** Drops the states of endpoints not in `nodes`; cheap when `nodes` is the list seen last. */
  retain(nodes: readonly Node[]): void {
    // Node sets hand out the same frozen array until the list changes, so identity is a good hint.
    if (nodes === this.#listed) return;
    this.#listed = nodes;
    if (this.#states.size === 0) return;
    const endpoints = new Set(nodes.map((node) => node.endpoint));
    for (const endpoint of this.#states.keys()) if (!endpoints.has(endpoint)) this.#states.delete(endpoint);
  }

  /** The state of `node`'s endpoint, created on first use. */
  of(node: Node): S {
    let state = this.#states.get(node.endpoint);
    if (state === undefined) {
      state = this.#create(node);
      this.#states.set(node.endpoint, state);
    }
    return state;
  }

  /** How many endpoints have a state (for tests of the pruning). */
  get size(): number {
    return this.#states.size;
  }
}
