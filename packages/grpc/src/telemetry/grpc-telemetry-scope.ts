/**
 * The instrumentation scope of every span and metric `@kratos-ts/grpc` records: the package's name
 * (the version is core's `KRATOS_INSTRUMENTATION_VERSION`), so a backend tells them from a user's.
 */
export const GRPC_TELEMETRY_SCOPE = '@kratos-ts/grpc';
