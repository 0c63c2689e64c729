// The public surface of @kratos-ts/grpc. Named exports only; types as `export type`.

export { GrpcServer } from './grpc-server.js';
export { GRPC_SERVER_DEFAULTS, type GrpcServerOptions, type GrpcService } from './grpc-server-options.js';
export { GrpcErrorCode } from './grpc-error-codes.js';
export { GrpcWarningCode } from './grpc-warning-codes.js';
export { HealthService, type HealthStatus, type WatchedStatus } from './health-service.js';
export { tracingInterceptor } from './telemetry/tracing-interceptor.js';
export { registerDiscoveryResolver } from './discovery/register-discovery-resolver.js';
export { GrpcDiscoveryErrorCode } from './discovery/grpc-discovery-error-codes.js';
export {
  DISCOVERY_RESOLVER_DEFAULTS,
  type DiscoveryResolverOptions,
} from './discovery/discovery-resolver-options.js';
export {
  DISCOVERY_RETRY_DEFAULTS,
  type DiscoveryRetryMethod,
  type DiscoveryRetryOptions,
} from './discovery/discovery-retry-options.js';
