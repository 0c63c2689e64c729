/**
 * The instrumentation scope of every span and metric `@kratos-ts/consumer` records: the package's
 * name (the version is core's `KRATOS_INSTRUMENTATION_VERSION`).
 */
export const CONSUMER_TELEMETRY_SCOPE = '@kratos-ts/consumer';
