/**
 * Every code of a warning `@kratos-ts/telemetry` logs: never thrown, the `code` field of the log
 * record. Stable: grep logs on these.
 */
export const TelemetryWarningCode = {
  /**
   * The SDK's shutdown (the flush of the last spans and metrics) did not settle within
   * `shutdownTimeout`: a collector that is down or does not answer. What was not flushed is lost;
   * the exporter may still hold a socket or a retry timer, so exit the process explicitly.
   */
  ShutdownTimedOut: 'KRATOS_TELEMETRY_SHUTDOWN_TIMEOUT',
  /** The SDK's shutdown rejected (an exporter or a reader failed): what it had not flushed is lost. */
  ShutdownFailed: 'KRATOS_TELEMETRY_SHUTDOWN_FAILED',
  /**
   * The OpenTelemetry SDK reported a problem through its diagnostic logger (`diag`) at warn or
   * error level: an export that failed (the collector is unreachable), an unsupported `OTEL_*`
   * value… Logged at warn level. Not routed when `OTEL_LOG_LEVEL` is set: the SDK then prints its
   * own diagnostics to the console.
   */
  SdkProblem: 'KRATOS_TELEMETRY_SDK_PROBLEM',
} as const;

/** One of the `TelemetryWarningCode` values. */
export type TelemetryWarningCode = (typeof TelemetryWarningCode)[keyof typeof TelemetryWarningCode];
