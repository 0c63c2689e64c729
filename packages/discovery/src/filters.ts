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
