/**
 * Every code of a warning `@kratos-ts/core` logs: never thrown, the `code` field of the log record
 * (the kernel's `LOGGER`). Stable: grep logs on these. The errors are `KratosErrorCode`.
 *
 * @example
 * if (record.code === KratosWarningCode.TelemetryFailed) alert('lifecycle telemetry is incomplete');
 */
export const KratosWarningCode = {
  /**
   * The kernel's OpenTelemetry instrumentation failed on a lifecycle event (a span processor or a
   * metric reader of the registered SDK threw): that event's spans or metrics may be missing; the
   * lifecycle went on. The first is logged at warn level, the next ones of the run at debug.
   */
  TelemetryFailed: 'KRATOS_TELEMETRY_FAILED',
} as const;

/** One of the `KratosWarningCode` values. */
export type KratosWarningCode = (typeof KratosWarningCode)[keyof typeof KratosWarningCode];
