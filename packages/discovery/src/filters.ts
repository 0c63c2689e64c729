import { describeValue } from '@kratos-ts/core/internal';
import type { Node } from './node.js';

/** Narrows the nodes a selector may pick from. Must not mutate its input. */
export type NodeFilter = (nodes: readonly Node[]) => readonly Node[];

/**
 * Keeps the nodes of instances whose `version` is exactly `wanted` (Kratos' `filter.Version`).
 *
 * @example
 * createHttpClient({ target: 'discovery:///greeter', discovery, filters: [version('2.0.0')] });
 */
export function version(wanted: string): NodeFilter {
  return (nodes) => nodes.filter((node) => node.instance.version === wanted);
}

/** Applies `filters` in order. */
export function applyFilters(nodes: readonly Node[], filters: readonly NodeFilter[]): readonly Node[] {
  return filters.reduce<readonly Node[]>((kept, filter) => filter(kept), nodes);
}

/**
 * What is wrong with a `filters` option, one message per problem (none when it is fine or
 * `undefined`): for the validators of every option that takes filters, so they all say the same.
 *
 * @example
 * filterProblems([version('2.0.0'), 'v2']); // ['filters[1] is not a function (got "v2"): a filter is (nodes) => nodes']
 */
export function filterProblems(filters: unknown): string[] {
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) {
    return [
      `filters must be an array of functions (nodes) => nodes, e.g. [version('2.0.0')], got ${describeValue(filters)}`,
    ];
  }
  return (filters as unknown[]).flatMap((filter, i) =>
    typeof filter === 'function'
      ? []
      : [`filters[${i}] is not a function (got ${describeValue(filter)}): a filter is (nodes) => nodes`],
  );
}
