/**
 * The key an instance is stored under, as in Kratos' etcd registry: `{namespace}/{name}/{id}`.
 *
 * @example
 * serviceKey('/microservices', 'greeter', 'a1'); // '/microservices/greeter/a1'
 */
export function serviceKey(namespace: string, name: string, id: string): string {
  return `${servicePrefix(namespace, name)}${id}`;
}

/**
 * The prefix every instance of `name` is stored under, with its trailing slash: `{namespace}/{name}/`.
 * The slash is what keeps `greeter` from matching `greeter-admin` (Kratos' registry omits it).
 */
export function servicePrefix(namespace: string, name: string): string {
  return `${namespace}/${name}/`;
}

/**
 * Checks that a name or id can be a single segment of the key: not empty, no `/`.
 * Returns a description of the problem, or `undefined` when the segment is fine.
 */
export function invalidKeySegment(segment: string): string | undefined {
  if (segment.length === 0) return 'is empty';
  if (segment.includes('/')) return 'contains "/"';
  return undefined;
}
