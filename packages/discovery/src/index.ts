// The public surface of @kratos-ts/discovery. Named exports only; types as `export type`.

export { parseTarget, type DiscoveryTarget, type StaticTarget, type Target } from './target.js';
export { nodesOf, type Node } from './node.js';
export { NODE_WEIGHTS } from './node-weights.js';
export { version, type NodeFilter } from './filters.js';
export type { CallFeedback, Picked, PickOptions, Selector } from './selector.js';
export { p2c, type P2cOptions } from './selectors/p2c.js';
export { wrr } from './selectors/wrr.js';
export { random, type RandomOptions } from './selectors/random.js';
export {
  DISCOVERY_DEFAULTS,
  staticNodes,
  watchNodes,
  type NodeSet,
  type NodeSetOptions,
  type NodeSetState,
} from './node-set.js';
export { DiscoveryErrorCode } from './discovery-error-codes.js';
