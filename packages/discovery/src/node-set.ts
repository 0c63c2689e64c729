import type { Logger, ServiceDiscovery } from '@kratos-ts/core';
import type { Observable, SchedulerLike } from 'rxjs';
import type { NodeFilter } from './filters.js';
import type { Node } from './node.js';
import { validateNodeSetOptions } from './node-set-options.js';
import { StaticNodeSet } from './static-node-set.js';
import { WatchedNodeSet } from './watched-node-set.js';

export { DISCOVERY_DEFAULTS } from './discovery-defaults.js';

/** What `watchNodes` takes besides the discovery and the name. */
export interface NodeSetOptions {
  /** The endpoint schemes to keep, e.g. `['http']` or `['grpc']`. Required, non-empty. */
  readonly schemes: readonly string[];
  /** Applied in order to every list. Default none. */
  readonly filters?: readonly NodeFilter[] | undefined;
  /** Milliseconds an empty list must last before it is honoured. Default 1000. */
  readonly emptyGrace?: number | undefined;
  /** Debug logs of every list change, warnings of watch errors; each names the service. Default silent. */
  readonly logger?: Logger | undefined;
  /** Where the grace timer and re-subscription delays run; a `TestScheduler` in tests. Default async. */
  readonly scheduler?: SchedulerLike | undefined;
}

/**
 * Where a node set stands:
 * - `resolving`: no non-empty list yet (calls wait, bounded by their own timeout);
 * - `ready`: calls pick among `nodes` (after an empty list, the last non-empty one for `emptyGrace`);
 * - `empty`: the list has been empty for `emptyGrace`: calls fail fast with `KRATOS_NO_INSTANCES`.
 */
export type NodeSetState =
  | {
      /** No non-empty list has arrived yet: calls wait for one. */
      readonly kind: 'resolving';
    }
  | {
      /** Calls pick among `nodes`. */
      readonly kind: 'ready';
      /** The nodes in use (never empty). */
      readonly nodes: readonly Node[];
    }
  | {
      /** The list has been empty for `emptyGrace`: calls fail fast. */
      readonly kind: 'empty';
    };

/** The live nodes of one service, for one client. */
export interface NodeSet {
  /** The service name (for a static target, its address), as messages name it. */
  readonly service: string;
  /** The state now. Starts the watch if nothing has yet. */
  readonly state: NodeSetState;
  /** The state on subscribe, then on every change (distinct). Subscribing starts the watch. */
  readonly state$: Observable<NodeSetState>;
  /** The nodes in use now: those of a `ready` state, else none. Starts the watch if nothing has yet. */
  nodes(): readonly Node[];
  /**
   * The nodes as soon as the set is `ready`: at once when it is; after the first non-empty list
   * when it is `resolving`. Rejects with `KRATOS_NO_INSTANCES` (naming the service) at once in
   * `empty`, when `empty` is reached while waiting, or when `signal` aborts first (with the abort
   * reason as `cause`); with `KRATOS_DISCOVERY_CLOSED` after `close()`.
   */
  ready(signal?: AbortSignal): Promise<readonly Node[]>;
  /** Stops following the registry (the shared watch ends with its last user). Idempotent. */
  close(): void;
}

/**
 * The live nodes of `name`: subscribes to `discovery.watch(name)` lazily (on first use), shares
 * one watch per discovery and name between every node set, keeps the nodes of the wanted schemes
 * that pass the filters, and applies the empty-list policy of `NodeSetState`.
 *
 * - A list that turns empty keeps the previous nodes in use for `emptyGrace` ms (a rolling
 *   restart, a registry hiccup), then the set is `empty` and calls fail fast.
 * - A watch that fails (or completes) is logged as a warning naming the service and watched
 *   again 1000 ms later; the nodes known so far stay in use meanwhile.
 * - Every list change is logged at debug level, naming the service.
 *
 * Close the node set with its client: the shared watch ends with its last node set.
 *
 * @example
 * const nodes = watchNodes(registry, 'greeter', { schemes: ['http'], logger });
 * const list = await nodes.ready(AbortSignal.timeout(1_000)); // waits for the first resolution
 * const picked = selector.pick(list);
 * @throws KratosError `KRATOS_DISCOVERY_INVALID_OPTIONS` naming every bad option.
 */
export function watchNodes(discovery: ServiceDiscovery, name: string, options: NodeSetOptions): NodeSet {
  validateNodeSetOptions(discovery, name, options);
  return new WatchedNodeSet(discovery, name, options);
}

/**
 * A node set that is always `ready` with `nodes` (a static target): `ready()` resolves at once,
 * `state$` emits that one state and completes on `close()`.
 *
 * @example
 * const target = parseTarget('127.0.0.1:8000');
 * const nodes = staticNodes(target.address, [node]);
 * @throws KratosError `KRATOS_DISCOVERY_INVALID_OPTIONS` when `nodes` is empty or `service` is not
 * a non-empty string.
 */
export function staticNodes(service: string, nodes: readonly Node[]): NodeSet {
  return new StaticNodeSet(service, nodes);
}
