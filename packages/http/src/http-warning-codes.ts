/**
 * Every code of a warning `@kratos-ts/http`'s server raises: never thrown, the `code` of a process
 * warning (`process.emitWarning`) when the server runs with no kernel, and the `code` field of the
 * log record when it logs through a kernel's logger. Stable: grep logs and filter warnings on these.
 *
 * Two failures are also errors thrown and keep their `HttpErrorCode`: a listening server's socket
 * error (`KRATOS_HTTP_LISTEN_FAILED`) and closing a Fastify app after a failed start
 * (`KRATOS_HTTP_APP_CLOSE_FAILED`).
 *
 * @example
 * process.on('warning', (warning) => {
 *   if ((warning as { code?: string }).code === HttpWarningCode.HandlerFailed) metrics.handlerFailures++;
 * });
 */
export const HttpWarningCode = {
  /**
   * A handler threw or rejected, or its response emitted an error: the request was answered 500 (or
   * its response cut). Logged at error level under a kernel.
   */
  HandlerFailed: 'KRATOS_HTTP_HANDLER_FAILED',
  /** `onUpgrade` or `closeUpgraded` threw or rejected. Logged at error level under a kernel. */
  UpgradeFailed: 'KRATOS_HTTP_UPGRADE_FAILED',
  /**
   * A stop began with upgraded connections (WebSocket) open and no `closeUpgraded` to close them:
   * they are held until `stopTimeout`. Logged at warn level under a kernel.
   */
  UpgradedHeld: 'KRATOS_HTTP_UPGRADED_HELD',
  /**
   * The `metrics` source's `collect()` threw, rejected or resolved with something that is not
   * `{ contentType, body }`: that scrape was answered 500. Logged at error level under a kernel.
   */
  MetricsFailed: 'KRATOS_HTTP_METRICS_FAILED',
} as const;

/** One of the `HttpWarningCode` values. */
export type HttpWarningCode = (typeof HttpWarningCode)[keyof typeof HttpWarningCode];
