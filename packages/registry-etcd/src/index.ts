// The public surface of @kratos-ts/registry-etcd. Named exports only; types as `export type`.

export { EtcdRegistry } from './etcd-registry.js';
export { ETCD_REGISTRY_DEFAULTS, type EtcdRegistryOptions } from './etcd-registry-options.js';
export type { BackoffOptions } from './backoff.js';
export { EtcdErrorCode } from './etcd-error-codes.js';
