/**
 * Every code of a warning the HTTP client (`createHttpClient`) raises: never thrown, the `code`
 * field of the log record on the client's logger, or of the process warning
 * (`process.emitWarning`) when the client has the default (silent) logger. Stable: grep logs and
 * filter warnings on these.
 */
export const HttpClientWarningCode = {
  /**
   * Raised once, when the client is created, if its `tls` options turn certificate verification
   * off (`rejectUnauthorized: false`, a `checkServerIdentity` that accepts any host): the warning
   * names the option. Give the CA that signed the nodes' certificates as `tls.ca` instead.
   */
  TlsUnverified: 'KRATOS_HTTP_CLIENT_TLS_UNVERIFIED',
} as const;

/** One of the `HttpClientWarningCode` values. */
export type HttpClientWarningCode = (typeof HttpClientWarningCode)[keyof typeof HttpClientWarningCode];
