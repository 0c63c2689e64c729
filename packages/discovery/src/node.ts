import type { ServiceInstance } from '@kratos-ts/core';

/** One callable address of one instance, for one scheme. */
export interface Node {
  /** The endpoint as registered, normalised: `scheme://host:port` (lower-case scheme, no trailing slash). */
  readonly endpoint: string;
  /** `host:port`, IPv6 literals in brackets, as sockets and grpc-js want it. */
  readonly address: string;
  /** The scheme of `endpoint` (`http`, `https`, `grpc`, `grpcs`). */
  readonly scheme: string;
  /** The instance that registered the endpoint. */
  readonly instance: ServiceInstance;
  /** `instance.metadata.weight` when it is a positive number, else 100 (Kratos' default too). */
  readonly weight: number;
}

/** The weight of a node whose instance has no valid `weight` metadata (Kratos' default too). */
export const DEFAULT_WEIGHT = 100;

/**
 * The nodes of `instances` for any of `schemes`, in the order the instances and their endpoints
 * come, each endpoint once (the same endpoint listed twice, by one instance or by two, is kept
 * the first time only). Endpoints that are not URLs with a host and a port are left out.
 *
 * @example
 * nodesOf([{ id: 'a', endpoints: ['http://10.0.0.5:8000', 'grpc://10.0.0.5:9000'], … }], ['grpc']);
 * // [{ endpoint: 'grpc://10.0.0.5:9000', address: '10.0.0.5:9000', scheme: 'grpc', weight: 100, … }]
 */
export function nodesOf(instances: readonly ServiceInstance[], schemes: readonly string[]): Node[] {
  const wanted = new Set(schemes.map((scheme) => scheme.toLowerCase()));
  const seen = new Set<string>();
  const nodes: Node[] = [];
  for (const instance of instances) {
    const weight = weightOf(instance);
    for (const raw of instance.endpoints) {
      const parsed = parseEndpoint(raw);
      if (!parsed || !wanted.has(parsed.scheme)) continue;
      const endpoint = `${parsed.scheme}://${parsed.address}`;
      if (seen.has(endpoint)) continue;
      seen.add(endpoint);
      nodes.push({ endpoint, address: parsed.address, scheme: parsed.scheme, instance, weight });
    }
  }
  return nodes;
}

function parseEndpoint(raw: string): { scheme: string; address: string } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!url.hostname || !url.port) return undefined;
  return { scheme: url.protocol.slice(0, -1).toLowerCase(), address: `${url.hostname}:${url.port}` };
}

function weightOf(instance: ServiceInstance): number {
  const raw = instance.metadata?.weight;
  const weight = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(weight) && weight > 0 ? weight : DEFAULT_WEIGHT;
}
