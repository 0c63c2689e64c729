/**
 * Every code of a warning `@kratos-ts/grpc` raises: never thrown, the `code` of a process warning
 * (`process.emitWarning`) when the server runs with no kernel, and the `code` field of the log
 * record when it logs through a kernel's logger. Stable: grep logs and filter warnings on these.
 */
export const GrpcWarningCode = {
  /**
   * A handler threw or rejected: the call was ended with `INTERNAL` (unless it had already been
   * answered or cancelled). Logged at error level under a kernel. Also the code of the warning
   * raised when the handler-failure listener itself threw.
   */
  HandlerFailed: 'KRATOS_GRPC_HANDLER_FAILED',
} as const;

/** One of the `GrpcWarningCode` values. */
export type GrpcWarningCode = (typeof GrpcWarningCode)[keyof typeof GrpcWarningCode];
