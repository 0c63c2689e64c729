import type { Logger, ServiceDiscovery } from '@kratos-ts/core';
import type { Observable, SchedulerLike } from 'rxjs';
import type { NodeFilter } from './filters.js';
import type { Node } from './node.js';

/** The defaults of `NodeSetOptions`. */
export const DISCOVERY_DEFAULTS = Object.freeze({
  /** How long an empty instance list must last before calls fail fast with `KRATOS_NO_INSTANCES`. */
  emptyGrace: 1_000,
});

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
  | { readonly kind: 'resolving' }
  | { readonly kind: 'ready'; readonly nodes: readonly Node[] }
  | { readonly kind: 'empty' };

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
 * @throws KratosError `KRATOS_DISCOVERY_INVALID_OPTIONS` naming every bad option.
 */
export declare function watchNodes(discovery: ServiceDiscovery, name: string, options: NodeSetOptions): NodeSet;

/** A node set that is always `ready` with `nodes` (a static target). Throws when `nodes` is empty. */
export declare function staticNodes(service: string, nodes: readonly Node[]): NodeSet;
