/**
 * Every code a `KratosError` of the HTTP client (`createHttpClient`) can carry. Stable: match on
 * these, not on messages. A client may also reject with `KRATOS_NO_INSTANCES` (`DiscoveryErrorCode`
 * of `@kratos-ts/discovery`) when the service has no instance. The code of the warning it raises is
 * in `HttpClientWarningCode`.
 *
 * @example
 * try {
 *   await client.request({ method: 'GET', path: '/hello' });
 * } catch (error) {
 *   if (isKratosError(error) && error.code === HttpClientErrorCode.Timeout) { ... }
 * }
 */
export const HttpClientErrorCode = {
  /**
   * `createHttpClient` or `request()` was given invalid options (unknown option, bad timeout or
   * retry, `discovery:///` without a discovery, malformed target, path or method …); the message
   * lists every problem.
   */
  InvalidOptions: 'KRATOS_HTTP_CLIENT_INVALID_OPTIONS',
  /** `request()` after `close()`, or a request that still needed a node when `close()` was called. */
  Closed: 'KRATOS_HTTP_CLIENT_CLOSED',
  /** The request's deadline (`timeout`) elapsed; `cause` is the last finished attempt's error, if any. */
  Timeout: 'KRATOS_HTTP_CLIENT_TIMEOUT',
  /**
   * Every allowed attempt failed, or one failed in a way that must not be retried (a non-idempotent
   * request that was already written). `cause` is the last error, `errors` every attempt's error.
   */
  RequestFailed: 'KRATOS_HTTP_CLIENT_REQUEST_FAILED',
  /** The caller's `signal` aborted the request; `cause` is the signal's reason. */
  Aborted: 'KRATOS_HTTP_CLIENT_ABORTED',
  /**
   * A `request()` response body went past `maxResponseBytes` (or its content-length said it would):
   * the response was aborted, its connection closed. The message names the service, the node and
   * the limit. Raise `maxResponseBytes`, or take the body as a stream with `stream()`.
   */
  ResponseTooLarge: 'KRATOS_HTTP_CLIENT_RESPONSE_TOO_LARGE',
} as const;

/** One of the `HttpClientErrorCode` values. */
export type HttpClientErrorCode = (typeof HttpClientErrorCode)[keyof typeof HttpClientErrorCode];
