import type { ServiceInstance } from '@kratos-ts/core';
import { readInstances } from './instance-nodes.js';
import { NODE_WEIGHTS } from './node-weights.js';

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
  /**
   * `instance.metadata.weight` clamped into `NODE_WEIGHTS.min`..`max` when it is a finite number > 0,
   * else 100 (Kratos' default too).
   */
  readonly weight: number;
}

/** The weight of a node whose instance has no valid `weight` metadata (Kratos' default too). */
export const DEFAULT_WEIGHT = NODE_WEIGHTS.default;

/**
 * The nodes of `instances` for any of `schemes`, in the order the instances and their endpoints
 * come, each endpoint once (the same endpoint listed twice, by one instance or by two, is kept
 * the first time only). A port left out is the scheme's default (`http://h` and `http://h:80` are
 * both `http://h:80`; https 443). Left out: endpoints that are not URLs with a host and a port,
 * and malformed list elements (not an instance, `endpoints` not an array), which `watchNodes`
 * warns about. Weights out of `NODE_WEIGHTS`' range are clamped into it.
 *
 * @example
 * nodesOf([{ id: 'a', endpoints: ['http://10.0.0.5:8000', 'grpc://10.0.0.5:9000'], … }], ['grpc']);
 * // [{ endpoint: 'grpc://10.0.0.5:9000', address: '10.0.0.5:9000', scheme: 'grpc', weight: 100, … }]
 */
export function nodesOf(instances: readonly ServiceInstance[], schemes: readonly string[]): Node[] {
  return readInstances(instances, schemes).nodes;
}
