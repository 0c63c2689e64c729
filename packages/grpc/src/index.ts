// The public surface of @kratos-ts/grpc. Named exports only; types as `export type`.

export { GrpcServer } from './grpc-server.js';
export {
  DEFAULT_GRPC_SERVER_OPTIONS,
  resolveGrpcServerOptions,
  type GrpcServerOptions,
  type GrpcService,
  type ResolvedGrpcServerOptions,
} from './grpc-server-options.js';
export { GrpcErrorCode } from './grpc-error-codes.js';
export { HealthService, type HealthStatus, type WatchedStatus } from './health-service.js';
export { isServing, type ServingInputs } from './is-serving.js';
export { grpcEndpoint } from './grpc-endpoint.js';
export { serviceNameOf } from './service-name.js';
export { registerDiscoveryResolver } from './discovery/register-discovery-resolver.js';
export { GrpcDiscoveryErrorCode } from './discovery/grpc-discovery-error-codes.js';
export type { DiscoveryResolverOptions } from './discovery/discovery-resolver-options.js';
