import {
  safeLogger,
  type Logger,
  type ServiceDiscovery,
  type ServiceInstance,
  silentLogger,
} from '@kratos-ts/core';
import {
  BehaviorSubject,
  asyncScheduler,
  defer,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { DISCOVERY_DEFAULTS } from './discovery-defaults.js';
import { applyFilters, type NodeFilter } from './filters.js';
import { readInstances, type InstanceProblem } from './instance-nodes.js';
import type { Node } from './node.js';
import type { NodeSet, NodeSetOptions, NodeSetState } from './node-set.js';
import {
  closedError,
  explainEmpty,
  gaveUpError,
  noInstancesError,
  type ListSummary,
} from './node-set-errors.js';
import { sameNodes } from './same-nodes.js';
import { joinWatch, type WatchMembership } from './shared-watch.js';

const RESOLVING: NodeSetState = Object.freeze({ kind: 'resolving' });
const EMPTY: NodeSetState = Object.freeze({ kind: 'empty' });
// Debug messages list at most this many endpoints; the fields carry them all.
const LISTED_ENDPOINTS = 10;

interface Waiter {
  resolve(nodes: readonly Node[]): void;
  reject(error: Error): void;
}

/** The node set of `watchNodes`; options are validated by the caller. */
export class WatchedNodeSet implements NodeSet {
  readonly service: string;
  readonly state$: Observable<NodeSetState>;
  readonly #discovery: ServiceDiscovery;
  readonly #schemes: readonly string[];
  readonly #filters: readonly NodeFilter[];
  readonly #emptyGrace: number;
  // The logger as given, for the shared watch, which warns once per distinct logger.
  readonly #givenLogger: Logger;
  readonly #logger: Logger;
  readonly #scheduler: SchedulerLike;
  readonly #states = new BehaviorSubject<NodeSetState>(RESOLVING);
  readonly #waiters = new Set<Waiter>();
  #membership: WatchMembership | undefined;
  #started = false;
  #closed = false;
  #graceTimer: Subscription | undefined;
  #last: ListSummary | undefined;
  #lastNodes: readonly Node[] = [];
  // The problems of the last list, so that one that lasts from list to list is warned once.
  #problems: ReadonlySet<string> = new Set();

  constructor(discovery: ServiceDiscovery, name: string, options: NodeSetOptions) {
    this.service = name;
    this.#discovery = discovery;
    this.#schemes = Object.freeze([...options.schemes]);
    this.#filters = Object.freeze([...(options.filters ?? [])]);
    this.#emptyGrace = options.emptyGrace ?? DISCOVERY_DEFAULTS.emptyGrace;
    this.#givenLogger = options.logger ?? silentLogger;
    this.#logger = safeLogger(this.#givenLogger);
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.state$ = defer(() => {
      this.#start();
      return this.#states.asObservable();
    });
  }

  get state(): NodeSetState {
    this.#start();
    return this.#states.value;
  }

  nodes(): readonly Node[] {
    const state = this.state;
    return state.kind === 'ready' ? state.nodes : [];
  }

  ready(signal?: AbortSignal): Promise<readonly Node[]> {
    if (this.#closed) return Promise.reject(closedError(this.service));
    const state = this.state;
    if (state.kind === 'ready') return Promise.resolve(state.nodes);
    if (state.kind === 'empty') return Promise.reject(this.#noInstances());
    if (signal?.aborted) return Promise.reject(this.#gaveUp(signal.reason));
    return new Promise<readonly Node[]>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(waiter);
        reject(this.#gaveUp(signal?.reason));
      };
      const waiter: Waiter = {
        resolve: (nodes) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(nodes);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#graceTimer?.unsubscribe();
    this.#graceTimer = undefined;
    this.#membership?.leave();
    this.#membership = undefined;
    this.#settleWaiters((waiter) => waiter.reject(closedError(this.service)));
    this.#states.complete();
  }

  #start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    const membership = joinWatch(this.#discovery, this.service, {
      onList: (instances) => this.#onList(instances),
      logger: this.#givenLogger,
      scheduler: this.#scheduler,
    });
    // The first list may arrive during joinWatch, and a listener of it may close this set then.
    if (this.#closed) membership.leave();
    else this.#membership = membership;
  }

  #onList(instances: readonly ServiceInstance[]): void {
    if (this.#closed) return;
    // A malformed instance is skipped, not the list: the registry may hold one bad record for long.
    const { nodes: matching, problems } = readInstances(instances, this.#schemes);
    this.#warnProblems(problems);
    let nodes: readonly Node[];
    try {
      nodes = Object.freeze([...applyFilters(matching, this.#filters)]);
    } catch (error) {
      // A throwing filter must not break the shared watch of the other node sets.
      this.#logger.warn(
        // The filter is the user's code: its error goes as `err`, with the stack that shows where
        // it threw, and the message does not repeat it.
        { service: this.service, err: error },
        `discovery "${this.service}": a filter threw (its error is in err, with its stack); this list is ignored and the nodes known so far stay in use`,
      );
      return;
    }
    if (this.#closed) return;
    const summary: ListSummary = {
      instances: instances.length,
      matching: matching.length,
      nodes: nodes.length,
    };
    const changed =
      !sameNodes(nodes, this.#lastNodes) || (nodes.length === 0 && !sameSummary(summary, this.#last));
    this.#last = summary;
    this.#lastNodes = nodes;

    if (nodes.length > 0) {
      if (changed) this.#logNodes(nodes);
      this.#graceTimer?.unsubscribe();
      this.#graceTimer = undefined;
      this.#setState({ kind: 'ready', nodes });
      return;
    }

    const state = this.#states.value;
    if (changed) this.#logEmptyList(state);
    if (state.kind === 'empty' || this.#graceTimer) return;
    if (this.#emptyGrace === 0) {
      this.#becomeEmpty();
      return;
    }
    this.#graceTimer = this.#scheduler.schedule(() => {
      this.#graceTimer = undefined;
      this.#becomeEmpty();
    }, this.#emptyGrace);
  }

  #warnProblems(problems: readonly InstanceProblem[]): void {
    const keys = new Set<string>();
    for (const problem of problems) {
      if (keys.has(problem.key)) continue;
      keys.add(problem.key);
      if (this.#problems.has(problem.key)) continue;
      this.#logger.warn(
        { service: this.service, problem: problem.message },
        `discovery "${this.service}": ${problem.message}. The rest of the list is used; fix the record the registry holds for it (this is warned once while it lasts).`,
      );
    }
    this.#problems = keys;
  }

  #becomeEmpty(): void {
    if (this.#closed) return;
    if (this.#debugEnabled()) {
      this.#logger.debug(
        { service: this.service, nodes: 0 },
        `discovery "${this.service}": no node for ${this.#emptyGrace} ms; calls fail fast with KRATOS_NO_INSTANCES until an instance appears`,
      );
    }
    this.#setState(EMPTY);
  }

  #setState(next: NodeSetState): void {
    // A filter or a state listener may have closed the set in the middle of a list.
    if (this.#closed) return;
    const current = this.#states.value;
    const same =
      current.kind === next.kind &&
      (current.kind !== 'ready' || next.kind !== 'ready' || sameNodes(current.nodes, next.nodes));
    if (!same) this.#states.next(next);
    if (next.kind === 'ready') this.#settleWaiters((waiter) => waiter.resolve(next.nodes));
    else if (next.kind === 'empty') {
      this.#settleWaiters((waiter) => waiter.reject(this.#noInstances()));
    }
  }

  #settleWaiters(settle: (waiter: Waiter) => void): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) settle(waiter);
  }

  #noInstances(): Error {
    return noInstancesError(this.service, this.#schemes, this.#last, this.#emptyGrace);
  }

  #gaveUp(reason: unknown): Error {
    return gaveUpError(this.service, this.#schemes, this.#last, reason);
  }

  #debugEnabled(): boolean {
    return this.#logger.isLevelEnabled?.('debug') !== false;
  }

  #logNodes(nodes: readonly Node[]): void {
    if (!this.#debugEnabled()) return;
    const endpoints = nodes.map((node) => node.endpoint);
    const listed =
      endpoints.length > LISTED_ENDPOINTS
        ? `${endpoints.slice(0, LISTED_ENDPOINTS).join(', ')}, … ${endpoints.length - LISTED_ENDPOINTS} more`
        : endpoints.join(', ');
    this.#logger.debug(
      { service: this.service, nodes: nodes.length, endpoints },
      `discovery "${this.service}": ${nodes.length} node${nodes.length === 1 ? '' : 's'} [${listed}]`,
    );
  }

  #logEmptyList(state: NodeSetState): void {
    if (!this.#debugEnabled()) return;
    const { why } = explainEmpty(this.service, this.#schemes, this.#last);
    const then =
      state.kind === 'ready'
        ? `keeping the ${state.nodes.length} previous node${state.nodes.length === 1 ? '' : 's'} for ${this.#emptyGrace} ms`
        : state.kind === 'resolving'
          ? `calls wait, and fail fast after ${this.#emptyGrace} ms unless an instance appears`
          : 'calls fail fast';
    this.#logger.debug(
      { service: this.service, nodes: 0, ...this.#last },
      `discovery "${this.service}": 0 nodes (${why}); ${then}`,
    );
  }
}

function sameSummary(a: ListSummary, b: ListSummary | undefined): boolean {
  return b !== undefined && a.instances === b.instances && a.matching === b.matching && a.nodes === b.nodes;
}
