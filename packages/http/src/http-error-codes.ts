/**
 * Every code a `KratosError` of `@kratos-ts/http` can carry. Stable: match on these, not on messages.
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
  /** `listen()` failed for another reason (EADDRNOTAVAIL, ENOTFOUND …); the cause is kept. */
  ListenFailed: 'KRATOS_HTTP_LISTEN_FAILED',
  /** `start()` was called while the server was already starting, listening or stopping. */
  AlreadyStarted: 'KRATOS_HTTP_ALREADY_STARTED',
  /** `endpoint()` was asked while the server was not listening. */
  NotListening: 'KRATOS_HTTP_NOT_LISTENING',
} as const;

/** One of the `HttpErrorCode` values. */
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];
