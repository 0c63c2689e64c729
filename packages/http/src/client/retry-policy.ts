/** How one attempt ended, as far as retrying is concerned. */
export type AttemptOutcome =
  | {
      readonly kind: 'response';
      readonly statusCode: number;
    }
  | {
      readonly kind: 'failure';
      readonly error: unknown;
      /**
       * Whether the whole request had been written to the socket (undici's `onRequestSent`). When it
       * had not, the server cannot have acted on it.
       */
      readonly written: boolean;
    };

/**
 * The methods a retry cannot make act twice (RFC 9110 §9.2.2, as Kratos and most clients list
 * them). Only these are retried once they may have reached the server.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

// The request itself is wrong: every node would refuse it the same way.
const REQUEST_ERRORS = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
]);

// The connection broke under a written request, before a complete response: the server may or may
// not have acted on it. `UND_ERR_SOCKET` is undici's "other side closed" / "closed".
const CONNECTION_LOSSES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_SOCKET']);

/** `true` for the methods of `IDEMPOTENT_METHODS` (exact, upper-case names). */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method);
}

/** `true` when `error` says the request is malformed (undici or Node argument errors): no node would take it. */
export function isRequestError(error: unknown): boolean {
  return REQUEST_ERRORS.has(codeOf(error) ?? '');
}

/** `true` when `error` is a connection lost under a request (reset, closed by the peer, broken pipe). */
export function isConnectionLoss(error: unknown): boolean {
  return CONNECTION_LOSSES.has(codeOf(error) ?? '');
}

/**
 * Whether another attempt, on another node when there is one, is safe and useful after `outcome`
 * (the budget and the deadline aside):
 * - a request that was never written (connection refused, connect timeout, TLS or DNS failure, a
 *   socket closed before the request was written) is retried whatever its method, unless the
 *   request itself is malformed;
 * - a written request whose connection was lost (reset, closed by the peer) only when idempotent;
 * - a 503 (a node not ready, or going away) only when idempotent; any other status is the answer.
 */
export function isRetryable(method: string, outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'response') return outcome.statusCode === 503 && isIdempotent(method);
  if (isRequestError(outcome.error)) return false;
  if (!outcome.written) return true;
  return isIdempotent(method) && isConnectionLoss(outcome.error);
}

/**
 * `isRetryable`, within the budget: `attempts` made so far (this one included), at most
 * `maxRetries + 1` in all.
 */
export function shouldRetry(
  method: string,
  outcome: AttemptOutcome,
  attempts: number,
  maxRetries: number,
): boolean {
  return attempts <= maxRetries && isRetryable(method, outcome);
}

/** The `code` of an error (a Node system error, an undici error), if it has one. */
export function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
