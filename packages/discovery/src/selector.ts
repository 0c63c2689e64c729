import type { Node } from './node.js';

/** What a call reports back to the selector that picked its node. */
export interface CallFeedback {
  /** How long the call took, in milliseconds (from pick to outcome). */
  readonly duration: number;
  /** The error the call ended with, if it failed (a transport error, or a status the client counts as failure). */
  readonly error?: unknown;
}

/** One pick: the node, and the callback the caller must call once the call ends. */
export interface Picked {
  /** The node to call. */
  readonly node: Node;
  /** Reports the call's outcome; call it exactly once (further calls are ignored). */
  done(feedback: CallFeedback): void;
}

/** What a pick may be told besides the nodes. */
export interface PickOptions {
  /**
   * Endpoints to avoid (the nodes this call already failed on). When every node is excluded the
   * pick is made among all of them, since a retry on the same node beats no retry.
   */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * Chooses one node per call, learning from each call's feedback. A selector keeps state per
 * endpoint; one selector serves one client. `pick` is only called with a non-empty list.
 */
export interface Selector {
  /** The selector's name, for logs (`p2c`, `wrr`, `random`). */
  readonly name: string;
  /**
   * Picks one of `nodes` (never empty) for one call, avoiding `options.exclude` when it can. The
   * caller must report the call's outcome through the returned `done`.
   */
  pick(nodes: readonly Node[], options?: PickOptions): Picked;
}
