import { KratosError, redact } from '@kratos-ts/core';
import { invalidOptions } from '@kratos-ts/core/internal';
import type { Node } from '@kratos-ts/discovery';
import { describeTransportError } from './describe-transport-error.js';
import type { AttemptResult } from './dispatch-attempt.js';
import { HttpClientErrorCode } from './http-client-error-codes.js';
import type { RequestRun } from './request-run.js';
import { Stop } from './request-stop.js';
import type { ResolvedHttpClientOptions } from './resolve-http-client-options.js';
import { isIdempotent, isRetryable } from './retry-policy.js';

// The errors an HTTP client rejects a request with, one builder each. Every message names the
// request (method and path, never the query), the service and the nodes tried, and says what to do.

/** What the error builders read of the client. */
export interface HttpClientErrorContext {
  /** The service name of a discovery target, the address of a fixed one. */
  readonly service: string;
  /** The client's options the messages quote (its deadline, scheme, retries and body limit). */
  readonly options: Pick<ResolvedHttpClientOptions, 'timeout' | 'scheme' | 'maxRetries' | 'maxResponseBytes'>;
}

/** `KRATOS_HTTP_CLIENT_CLOSED` for `request()` on a closed client. */
export function clientClosedError(service: string): KratosError {
  return new KratosError(
    HttpClientErrorCode.Closed,
    `HTTP client of "${service}" is closed: create a new client (close() is final), or close it only after its last request.`,
  );
}

/** `KRATOS_HTTP_CLIENT_CLOSED` for a request the client's `close()` gave up. */
export function requestClosedError(service: string, run: RequestRun): KratosError {
  return new KratosError(
    HttpClientErrorCode.Closed,
    `Request ${run.request.label} to "${service}" was given up: the client was closed${progress(run)}. ` +
      `Close the client only after its last request (requests in flight finish unless close() is given a signal that aborts).`,
    run.errors.length > 0 ? { cause: run.errors.at(-1), errors: [...run.errors] } : {},
  );
}

/**
 * The error of a request stopped early (`Stop`): `KRATOS_HTTP_CLIENT_ABORTED` (its signal),
 * `KRATOS_HTTP_CLIENT_TIMEOUT` (its deadline; `waitError` says why no node was known yet when no
 * attempt could start) or `KRATOS_HTTP_CLIENT_CLOSED`.
 */
export function requestStopError(
  context: HttpClientErrorContext,
  run: RequestRun,
  reason: unknown,
  waitError?: unknown,
): KratosError {
  const { service, options } = context;
  const stop = reason instanceof Stop ? reason : new Stop('aborted', reason);
  const { request } = run;
  if (stop.kind === 'closed') return requestClosedError(service, run);
  if (stop.kind === 'aborted') {
    return new KratosError(
      HttpClientErrorCode.Aborted,
      `Request ${request.label} to "${service}" was aborted by its signal${progress(run)}.`,
      { cause: stop.reason, errors: [...run.errors] },
    );
  }
  const { timeout } = options;
  if (run.attempts === 0) {
    const why =
      waitError instanceof Error
        ? waitError.message
        : `No instance of "${service}" with an ${options.scheme}:// endpoint was listed yet: check ` +
          `that it is running and registered in the discovery the client was given.`;
    return new KratosError(
      HttpClientErrorCode.Timeout,
      `Request ${request.label} to "${service}" timed out after ${timeout} ms waiting for the first ` +
        `instances of the service. ${why}`,
      waitError === undefined ? {} : { cause: waitError },
    );
  }
  return new KratosError(
    HttpClientErrorCode.Timeout,
    `Request ${request.label} to "${service}" timed out after ${timeout} ms${progress(run)}. ` +
      `Raise timeout (the deadline of the whole request, retries included), or find out why the node is slow.`,
    run.errors.length > 0 ? { cause: run.errors.at(-1), errors: [...run.errors] } : {},
  );
}

/** `KRATOS_HTTP_CLIENT_REQUEST_FAILED`: the last attempt failed and no retry may follow. */
export function requestFailedError(
  context: HttpClientErrorContext,
  run: RequestRun,
  result: Extract<AttemptResult, { kind: 'failure' }>,
): KratosError {
  const { request } = run;
  const { maxRetries } = context.options;
  let advice: string;
  if (isRetryable(request.method, result)) {
    advice =
      maxRetries === 0
        ? 'Retries are off (retry: false or max 0): check that the node is up and reachable, or allow retries.'
        : `Every allowed attempt failed (retry.max is ${maxRetries}): check that the nodes are up and reachable, or raise retry.max.`;
  } else if (result.written && !isIdempotent(request.method)) {
    advice =
      `The request had been written, and ${request.method} is not idempotent, so it was not retried ` +
      `(the server may have acted on it): retry it yourself if that is safe.`;
  } else {
    advice = 'A retry would not help with this error: check what the node answers.';
  }
  return new KratosError(
    HttpClientErrorCode.RequestFailed,
    `Request ${request.label} to "${context.service}" failed${progress(run)}: ${redact(describeTransportError(result.error))}. ${advice}`,
    { cause: result.error, errors: [...run.errors] },
  );
}

/** `KRATOS_HTTP_CLIENT_INVALID_OPTIONS`: undici refused the request before sending it (a bad header or body). */
export function requestRefusedError(service: string, run: RequestRun, error: unknown): KratosError {
  return invalidOptions(
    HttpClientErrorCode.InvalidOptions,
    `Request ${run.request.label} to "${service}"`,
    [
      `it was refused before it was sent: ${describeTransportError(error)}: fix the request's headers or body`,
    ],
    { cause: error },
  );
}

/** `KRATOS_HTTP_CLIENT_RESPONSE_TOO_LARGE`: a `request()` body past `maxResponseBytes`. */
export function responseTooLargeError(
  context: HttpClientErrorContext,
  run: RequestRun,
  node: Node,
  result: Extract<AttemptResult, { kind: 'too-large' }>,
): KratosError {
  const limit = context.options.maxResponseBytes;
  const what = result.declared
    ? `has content-length ${result.received}, past maxResponseBytes (${limit} bytes): it was not read`
    : `went past maxResponseBytes (${limit} bytes): it was aborted after ${result.received} bytes`;
  return new KratosError(
    HttpClientErrorCode.ResponseTooLarge,
    `The ${result.statusCode} response to ${run.request.label} from "${context.service}" (node ${redact(node.endpoint)}) ${what}. ` +
      `Raise maxResponseBytes in the client's options, or take a large body as a stream with client.stream().`,
  );
}

/** `KRATOS_HTTP_CLIENT_REQUEST_FAILED`: the connection broke under a streamed body (`stream()`). */
export function bodyBrokeError(service: string, run: RequestRun, node: Node, cause: unknown): KratosError {
  return new KratosError(
    HttpClientErrorCode.RequestFailed,
    `The response body of ${run.request.label} from "${service}" (node ${redact(node.endpoint)}) broke off before its end: ` +
      `${redact(describeTransportError(cause))}. Check what the node does while it sends it; the request was not retried (its response had started).`,
    { cause },
  );
}

// " after 2 attempts (nodes tried: a, b)", or " before any attempt".
function progress(run: RequestRun): string {
  if (run.attempts === 0) return ' before any attempt';
  const plural = run.attempts === 1 ? 'attempt' : 'attempts';
  return ` after ${run.attempts} ${plural} (nodes tried: ${redact([...run.tried].join(', '))})`;
}
