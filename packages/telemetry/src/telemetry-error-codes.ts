/**
 * Every code a `KratosError` thrown by `@kratos-ts/telemetry` can carry. Stable: match on these,
 * not on messages.
 */
export const TelemetryErrorCode = {
  /** `KratosTelemetry`'s options are invalid (a `shutdownTimeout` of 0, an unknown key…). */
  InvalidOptions: 'KRATOS_TELEMETRY_INVALID_OPTIONS',
  /**
   * `start()` was given something that is not a kernel nor `{ app }` (no `AppInfo` with an `id`),
   * or was called a second time: one `KratosTelemetry` starts one SDK, once.
   */
  InvalidStart: 'KRATOS_TELEMETRY_INVALID_START',
  /** `metrics.collect()` was called before `start()`, or after the SDK shut down: nothing to read. */
  NotRunning: 'KRATOS_TELEMETRY_NOT_RUNNING',
} as const;

/** One of the `TelemetryErrorCode` values. */
export type TelemetryErrorCode = (typeof TelemetryErrorCode)[keyof typeof TelemetryErrorCode];
