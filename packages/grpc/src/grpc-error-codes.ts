/**
 * Every code a `KratosError` of `@kratos-ts/grpc` can carry. Stable: match on these, not on messages.
 * When the kernel runs the server, a start error reaches `run()` as the `cause` of the core's
 * `KRATOS_START_FAILED`. Codes of warnings (never thrown) are in `GrpcWarningCode`.
 */
export const GrpcErrorCode = {
  /**
   * `new GrpcServer(options)` was given invalid options (the message lists every problem), or
   * `start()` could not add a service (the same one twice…).
   */
  InvalidOptions: 'KRATOS_GRPC_INVALID_OPTIONS',
  /**
   * `new GrpcServer(options)` was given `credentials` made by another copy of `@grpc/grpc-js` than
   * the one `@kratos-ts/grpc` serves with (grpc-js takes only credentials of its own copy). The
   * message names both copies (folder and version) and how to keep one (`npm ls @grpc/grpc-js`,
   * `npm dedupe`, `overrides`).
   */
  ForeignGrpcJs: 'KRATOS_GRPC_FOREIGN_GRPC_JS',
  /**
   * `start()` could not listen on host:port (port in use, address not on this host…); the message
   * says how to fix it when the cause is one of those.
   */
  BindFailed: 'KRATOS_GRPC_BIND_FAILED',
  /**
   * `start()` found the TLS material of `credentials` unusable: the message names the server and
   * which of `private_key`, `cert_chain`, `rootCerts` (or the key and chain as a pair) is wrong and
   * how to fix it; `cause` keeps OpenSSL's error. Nothing was bound.
   */
  TlsInvalid: 'KRATOS_GRPC_TLS_INVALID',
  /** `start()` was called while the server was already started. */
  AlreadyStarted: 'KRATOS_GRPC_ALREADY_STARTED',
} as const;

/** One of the values of `GrpcErrorCode`. */
export type GrpcErrorCode = (typeof GrpcErrorCode)[keyof typeof GrpcErrorCode];
