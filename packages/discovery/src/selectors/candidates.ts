import { KratosError } from '@kratos-ts/core';
import { DiscoveryErrorCode } from '../discovery-error-codes.js';
import type { Node } from '../node.js';
import type { PickOptions } from '../selector.js';

/**
 * The nodes a pick chooses among: `nodes` less the excluded endpoints, or all of `nodes` when
 * that would leave none (a retry on a node that failed beats no retry).
 * @throws KratosError `KRATOS_DISCOVERY_INVALID_OPTIONS` when `nodes` is empty.
 */
export function candidatesOf(
  selector: string,
  nodes: readonly Node[],
  options?: PickOptions,
): readonly Node[] {
  if (nodes.length === 0) {
    throw new KratosError(
      DiscoveryErrorCode.InvalidOptions,
      `The ${selector} selector was asked to pick among no node: pick only from a non-empty list, ` +
        `e.g. the one nodeSet.ready() resolves with.`,
    );
  }
  const exclude = options?.exclude;
  if (!exclude || exclude.size === 0) return nodes;
  const kept = nodes.filter((node) => !exclude.has(node.endpoint));
  return kept.length > 0 ? kept : nodes;
}

/** `Math.floor(random() * n)`, kept in range even when `random` returns 1. */
export function indexBelow(n: number, random: () => number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(random() * n)));
}

/** Wraps `done` so that only its first call counts. */
export function once<T>(done: (value: T) => void): (value: T) => void {
  let called = false;
  return (value) => {
    if (called) return;
    called = true;
    done(value);
  };
}
