// The public surface of @kratos-ts/registry-etcd. Named exports only; types as `export type`.

export { EtcdRegistry } from './etcd-registry.js';
export { DEFAULT_ETCD_OPTIONS, MIN_TTL_SECONDS, type EtcdRegistryOptions } from './etcd-registry-options.js';
export { EtcdErrorCode } from './etcd-error-codes.js';
export {
  DEFAULT_BACKOFF,
  backoffDelay,
  retryWithBackoff,
  type BackoffOptions,
  type RetryNotice,
  type RetryWithBackoffOptions,
} from './backoff.js';
export { serviceKey, servicePrefix } from './service-key.js';
export { decodeInstance, encodeInstance } from './instance-codec.js';
export { keepRegistered, type KeepRegisteredOptions } from './keep-registered.js';
export type { KeptLease, LeaseGrantor } from './kept-lease.js';
export { watchService, type WatchServiceOptions } from './watch-service.js';
