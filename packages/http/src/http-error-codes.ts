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
  /**
   * `start()` found the `tls` options unusable: the message names the server and which of `key`,
   * `cert`, `ca` (or the key and certificate as a pair) is wrong, and how to fix it; `cause` keeps
   * OpenSSL's error. Nothing was listening.
   */
  TlsInvalid: 'KRATOS_HTTP_TLS_INVALID',
  /** `start()` was called while the server was already starting, listening or stopping. */
  AlreadyStarted: 'KRATOS_HTTP_ALREADY_STARTED',
  /** `endpoint()` was asked while the server was not listening. */
  NotListening: 'KRATOS_HTTP_NOT_LISTENING',
  /**
   * Not an error thrown to you: the code of the warning (`process.emitWarning`) a server with no
   * kernel emits when its handler throws or rejects. Under a kernel the failure is logged instead.
   */
  HandlerFailed: 'KRATOS_HTTP_HANDLER_FAILED',
  /**
   * Not an error thrown to you: the code of the warning a server with no kernel emits when
   * `onUpgrade` or `closeUpgraded` throws or rejects. Under a kernel the failure is logged instead.
   */
  UpgradeFailed: 'KRATOS_HTTP_UPGRADE_FAILED',
  /**
   * Not an error thrown to you: the code of the warning a server with no kernel emits when a stop
   * begins with upgraded connections open and no `closeUpgraded` to close them (they are held until
   * `stopTimeout`). Under a kernel it is logged as a warning instead.
   */
  UpgradedHeld: 'KRATOS_HTTP_UPGRADED_HELD',
} as const;

/** One of the `HttpErrorCode` values. */
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];
