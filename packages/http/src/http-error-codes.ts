/**
 * Every code a `KratosError` of `@kratos-ts/http` can carry. Stable: match on these, not on messages.
 * Codes of warnings that are never thrown are in `HttpWarningCode`.
 *
 * @example
 * if (isKratosError(error.cause) && error.cause.code === HttpErrorCode.AddressInUse) { ... }
 */
export const HttpErrorCode = {
  /** `new HttpServer(options)` was given invalid options; the message lists every problem. */
  InvalidOptions: 'KRATOS_HTTP_INVALID_OPTIONS',
  /** `listen()` failed with EADDRINUSE: another socket holds host:port. */
  AddressInUse: 'KRATOS_HTTP_ADDRESS_IN_USE',
  /** `listen()` failed with EACCES: the process may not bind host:port (privileged port). */
  PermissionDenied: 'KRATOS_HTTP_PERMISSION_DENIED',
  /**
   * `listen()` failed for another reason (EADDRNOTAVAIL, ENOTFOUND …); the cause is kept. Also the
   * code of the warning (standalone) or error log (under a kernel) when a listening server's socket
   * emits an error.
   */
  ListenFailed: 'KRATOS_HTTP_LISTEN_FAILED',
  /**
   * `start()` found the `tls` options unusable: the message names the server and which of `key`,
   * `cert`, `ca` (or the key and certificate as a pair) is wrong, and how to fix it; `cause` keeps
   * OpenSSL's error. Nothing was listening.
   */
  TlsInvalid: 'KRATOS_HTTP_TLS_INVALID',
  /** `start()` was called while the server was already starting, listening or stopping. */
  AlreadyStarted: 'KRATOS_HTTP_ALREADY_STARTED',
  /**
   * `start()` of a server whose handler is a Fastify app: its `ready()` rejected (a plugin failed to
   * load; the plugin's error is the `cause`, and the app was closed), or the app was already closed
   * by an earlier stop (a Fastify instance cannot serve again). Nothing listened.
   */
  AppStartFailed: 'KRATOS_HTTP_APP_START_FAILED',
  /**
   * `stop()` of a server whose handler is a Fastify app: the drain finished, but the app's
   * `close()` rejected (an `onClose` hook failed; its error is the `cause`) or had not finished when
   * the stop signal aborted (`stopTimeout`). Also the code of the warning (standalone) or error log
   * (under a kernel) when closing the app after a failed start fails: thrown as well, so it stays here.
   */
  AppCloseFailed: 'KRATOS_HTTP_APP_CLOSE_FAILED',
  /** `endpoint()` was asked while the server was not listening. */
  NotListening: 'KRATOS_HTTP_NOT_LISTENING',
} as const;

/** One of the `HttpErrorCode` values. */
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];
