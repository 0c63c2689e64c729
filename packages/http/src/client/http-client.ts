import type { Readable } from 'node:stream';

/** One request. Only `path` is required. */
export interface HttpRequestOptions {
  /**
   * The method, a token such as `GET` or `POST` (the six common ones in any case, as `fetch` does).
   * `CONNECT` is not supported. Default `GET`.
   */
  readonly method?: string | undefined;
  /** The path and query string, starting with `/`, percent-encoded: `/hello?name=Ada`. */
  readonly path: string;
  /** Request headers; `content-length` is set from `body`. Default none. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  /** The request body. Default none. */
  readonly body?: string | Uint8Array | undefined;
  /** Aborts the request: it rejects with `KRATOS_HTTP_CLIENT_ABORTED` (cause: the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A complete response: the body is read in full (at most `maxResponseBytes`) before `request()`
 * resolves.
 */
export interface HttpResponse {
  /**
   * The answer's status. Any status resolves `request()`: a 4xx or 5xx is an answer, not an error
   * (a 503 to a request that may be retried comes back once the retries are spent).
   */
  readonly statusCode: number;
  /** Lower-case names; a repeated header (e.g. `set-cookie`) is an array. */
  readonly headers: Record<string, string | string[] | undefined>;
  /** The whole body (`res.body.toString()` for text); empty when there was none. */
  readonly body: Buffer;
  /** The endpoint that answered, e.g. `http://127.0.0.1:8000`. */
  readonly node: string;
}

/**
 * A response whose body is a stream (`stream()`): resolved at the headers, the body read as it comes.
 *
 * @example
 * const res = await client.stream({ path: '/export.csv' });
 * for await (const chunk of res.body) file.write(chunk);
 */
export interface HttpStreamResponse {
  /** The answer's status, as in `HttpResponse`. */
  readonly statusCode: number;
  /** Lower-case names; a repeated header (e.g. `set-cookie`) is an array. */
  readonly headers: Record<string, string | string[] | undefined>;
  /**
   * The body, with backpressure (the socket is read only as fast as the body is). It fails with
   * the request's `KratosError` when the deadline passes or the signal aborts before its end
   * (`KRATOS_HTTP_CLIENT_TIMEOUT`, `_ABORTED`, `_CLOSED`), or `_REQUEST_FAILED` when the connection
   * breaks. Read it to its end or `destroy()` it: either frees its connection.
   */
  readonly body: Readable;
  /** The endpoint that answered, e.g. `http://127.0.0.1:8000`. */
  readonly node: string;
}

/**
 * A client of one target: a service found through discovery, or one fixed address. Every request
 * goes to a node the selector picks, over a keep-alive connection pool per node.
 *
 * @example
 * const res = await client.request({ method: 'GET', path: '/hello?name=Ada' });
 * console.log(res.statusCode, res.node, res.body.toString());
 */
export interface HttpClient {
  /** The service name of a discovery target, or the address of a fixed one, as messages name it. */
  readonly service: string;
  /**
   * Sends one request and resolves with the complete response, whatever its status. Rejects with
   * a `KratosError`: `KRATOS_HTTP_CLIENT_INVALID_OPTIONS`, `_CLOSED`, `_TIMEOUT`, `_ABORTED`,
   * `_REQUEST_FAILED`, or `KRATOS_NO_INSTANCES` when the service has no instance.
   */
  request(options: HttpRequestOptions): Promise<HttpResponse>;
  /**
   * Sends one request like `request()` (same node choice and retries) and resolves at the
   * response's headers, whatever its status, with the body as a stream, not bounded by
   * `maxResponseBytes`. The request's `timeout` and `signal` still bound the whole exchange: the
   * body fails with `KRATOS_HTTP_CLIENT_TIMEOUT` or `_ABORTED` when they cut it short. Rejects
   * like `request()` before the headers.
   */
  stream(options: HttpRequestOptions): Promise<HttpStreamResponse>;
  /** The endpoints in use now (`http://host:port`); empty before the first instances are known. */
  nodes(): readonly string[];
  /**
   * Stops following the registry and closes every connection pool: requests in flight finish (a
   * body being streamed is in flight until it is read to its end or destroyed),
   * requests waiting for a node and later calls reject with `KRATOS_HTTP_CLIENT_CLOSED`. Resolves
   * once every connection is closed. Without a `signal` it is still bounded: every request in
   * flight, a streamed body included, ends by its own `timeout`. When `signal` aborts first, the
   * pools are destroyed (requests still in flight fail). Idempotent.
   */
  close(signal?: AbortSignal): Promise<void>;
}
