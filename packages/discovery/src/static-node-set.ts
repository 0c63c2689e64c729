import { describeValue, invalidOptions } from '@kratos-ts/core/internal';
import { BehaviorSubject, type Observable } from 'rxjs';
import { DiscoveryErrorCode } from './discovery-error-codes.js';
import type { Node } from './node.js';
import type { NodeSet, NodeSetState } from './node-set.js';
import { closedError } from './node-set-errors.js';

/** The node set of `staticNodes`: always `ready` with the same nodes. */
export class StaticNodeSet implements NodeSet {
  readonly service: string;
  readonly state: NodeSetState;
  readonly state$: Observable<NodeSetState>;
  readonly #nodes: readonly Node[];
  readonly #states: BehaviorSubject<NodeSetState>;
  #closed = false;

  constructor(service: string, nodes: readonly Node[]) {
    const problems: string[] = [];
    if (typeof service !== 'string' || service === '') {
      problems.push(
        `the service must be a non-empty string, got ${describeValue(service)}: pass the target address, e.g. "127.0.0.1:8000"`,
      );
    }
    if (!Array.isArray(nodes) || nodes.length === 0) {
      problems.push(
        `nodes must be a non-empty array, got ${describeValue(nodes)}: a static target needs at least one node to call`,
      );
    }
    if (problems.length > 0) {
      const subject =
        typeof service === 'string' && service !== '' ? `The node set of "${service}"` : 'The node set';
      throw invalidOptions(DiscoveryErrorCode.InvalidOptions, subject, problems);
    }
    this.service = service;
    this.#nodes = Object.freeze([...nodes]);
    this.state = Object.freeze({ kind: 'ready', nodes: this.#nodes });
    this.#states = new BehaviorSubject<NodeSetState>(this.state);
    this.state$ = this.#states.asObservable();
  }

  nodes(): readonly Node[] {
    return this.#nodes;
  }

  ready(): Promise<readonly Node[]> {
    return this.#closed ? Promise.reject(closedError(this.service)) : Promise.resolve(this.#nodes);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#states.complete();
  }
}
