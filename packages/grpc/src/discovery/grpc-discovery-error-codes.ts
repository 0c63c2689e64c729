/**
 * Every code a `KratosError` of the discovery resolver of `@kratos-ts/grpc` can carry. Stable: match
 * on these, not on messages. Failures to resolve are not errors thrown here: grpc-js fails the calls
 * with a gRPC status (UNAVAILABLE "no instances of greeter", for one).
 */
export const GrpcDiscoveryErrorCode = {
  /**
   * `registerDiscoveryResolver(discovery, options)` was given a discovery without `watch()` or
   * invalid options; the message lists every problem and how to fix it.
   */
  InvalidOptions: 'KRATOS_GRPC_DISCOVERY_INVALID_OPTIONS',
  /**
   * `registerDiscoveryResolver()` would register the resolver in another copy of `@grpc/grpc-js`
   * than the one the app's channels use (the `grpc` option, or the copy the app's entry point
   * imports), where their `discovery:///` targets would fail with "Failed to parse DNS address". The
   * message names both copies and how to keep one; nothing is registered.
   */
  ForeignGrpcJs: 'KRATOS_GRPC_DISCOVERY_FOREIGN_GRPC_JS',
} as const;

/** One of the values of `GrpcDiscoveryErrorCode`. */
export type GrpcDiscoveryErrorCode = (typeof GrpcDiscoveryErrorCode)[keyof typeof GrpcDiscoveryErrorCode];
