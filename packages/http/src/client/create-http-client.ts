import { performance } from 'node:perf_hooks';
import { invalidOptions, KratosError, redact } from '@kratos-ts/core';
import {
  nodesOf,
  p2c,
  staticNodes,
  watchNodes,
  type Node,
  type NodeSet,
  type Selector,
} from '@kratos-ts/discovery';
import { Readable } from 'node:stream';
import type { Subscription } from 'rxjs';
import { DeadlineQueue } from './deadline-queue.js';
import { dispatchAttempt, type AttemptOptions, type AttemptResult } from './dispatch-attempt.js';
import { HttpClientErrorCode } from './http-client-error-codes.js';
import type { HttpClient, HttpRequestOptions, HttpResponse, HttpStreamResponse } from './http-client.js';
import type { HttpClientOptions } from './http-client-options.js';
import { NodePools } from './node-pools.js';
import { resolveHttpClientOptions, type ResolvedHttpClientOptions } from './resolve-http-client-options.js';
import { resolveHttpRequest, type ResolvedHttpRequest } from './resolve-http-request.js';
import { RequestStop, Stop } from './request-stop.js';
import { codeOf, isIdempotent, isRequestError, isRetryable, shouldRetry } from './retry-policy.js';

/**
 * A discovery-driven HTTP client (Kratos' `transport/http` client with its resolver and selector).
 *
 * - Nodes: for `discovery:///name`, the instances' `http://` endpoints (`https://` with
 *   `secure: true`) as `discovery.watch(name)` lists them, narrowed by `filters`; the first request
 *   waits for the first non-empty list (within `timeout`), and a list empty for `emptyGrace` fails
 *   requests fast with `KRATOS_NO_INSTANCES`. A fixed target is its one address.
 * - Balancing: `selector` (default `p2c()`) picks a node per attempt and is told every attempt's
 *   outcome (a 5xx counts as a failure).
 * - Connections: one keep-alive undici `Pool` per node, opened on its first pick; the pool of a node
 *   that leaves the registry is closed once its requests finish.
 * - Retries (at most `retry.max`, default 2, each on a node not tried yet when there is one): a
 *   request never written (connection refused, connect timeout, socket closed before it was
 *   written) whatever its method; a GET, HEAD, OPTIONS, PUT or DELETE also after a connection lost
 *   under it, or a 503 (when every attempt answers 503, the last 503 is returned). A response is
 *   never retried otherwise, and no attempt starts after `timeout`, the one deadline of the request.
 * - Bodies: `request()` reads at most `maxResponseBytes` (default 32 MiB) and aborts a response past
 *   it (`KRATOS_HTTP_CLIENT_RESPONSE_TOO_LARGE`); `stream()` hands the body over as a `Readable`,
 *   still bounded by `timeout` and the request's `signal`.
 * - Import it from `@kratos-ts/http/client`: `@kratos-ts/http` is the server alone, so that a
 *   service that only serves loads neither undici nor `@kratos-ts/discovery`.
 * - `close()` leaves nothing running: no timer, socket or subscription.
 *
 * @throws KratosError `KRATOS_HTTP_CLIENT_INVALID_OPTIONS` listing every bad option.
 * @example
 * const client = createHttpClient({ target: 'discovery:///greeter', discovery: registry });
 * const res = await client.request({ method: 'GET', path: '/hello?name=Ada' });
 * console.log(res.statusCode, res.node, res.body.toString());
 * await client.close();
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new DiscoveryHttpClient(resolveHttpClientOptions(options));
}

/** Where one request stands, for its messages. */
interface Run {
  readonly request: ResolvedHttpRequest;
  readonly stop: RequestStop;
  /** `stream()`: a body not retried may be handed over as a stream. */
  readonly streaming: boolean;
  /** Endpoints attempted, in order (each once). */
  readonly tried: Set<string>;
  /** Every finished attempt's error (a 5xx response counts, as an Error naming the status). */
  readonly errors: unknown[];
  attempts: number;
  /** The last 503 response, returned when the attempts after it fail too. */
  unavailable: Answer | undefined;
}

/** A response, its body read (`request()`) or streamed (`stream()`). */
interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer | Readable;
  readonly node: string;
}

class DiscoveryHttpClient implements HttpClient {
  readonly service: string;
  readonly #options: ResolvedHttpClientOptions;
  readonly #selector: Selector;
  readonly #nodeSet: NodeSet;
  readonly #pools: NodePools;
  readonly #deadlines: DeadlineQueue;
  // Requests waiting for a node (not in an attempt): close() stops them at once.
  readonly #waiting = new Set<RequestStop>();
  readonly #force = new AbortController();
  readonly #readOptions: AttemptOptions;
  #following: Subscription | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedHttpClientOptions) {
    this.#options = options;
    this.service = options.service;
    this.#selector = options.selector ?? p2c();
    this.#pools = new NodePools({ service: options.service, logger: options.logger, tls: options.tls });
    this.#deadlines = new DeadlineQueue(options.scheduler, options.timeout);
    this.#readOptions = { maxResponseBytes: options.maxResponseBytes };
    this.#warnUnverifiedTls();
    const { target, scheme } = options;
    if (target.kind === 'discovery' && options.discovery) {
      this.#nodeSet = watchNodes(options.discovery, target.name, {
        schemes: [scheme],
        filters: options.filters,
        emptyGrace: options.emptyGrace,
        logger: options.logger,
        scheduler: options.scheduler,
      });
    } else {
      const endpoint = `${scheme}://${options.service}`;
      const instance = {
        id: endpoint,
        name: options.service,
        version: '',
        metadata: {},
        endpoints: [endpoint],
      };
      this.#nodeSet = staticNodes(options.service, nodesOf([instance], [scheme]));
    }
  }

  // Once per client, at its creation: verification off is a choice that must not go unnoticed.
  #warnUnverifiedTls(): void {
    const { unverifiedTls, loggerGiven, logger, target } = this.#options;
    if (unverifiedTls.length === 0) return;
    const shown = target.kind === 'discovery' ? `discovery:///${target.name}` : this.#fixedTarget();
    const message =
      `HTTP client of "${shown}" does not verify the TLS certificates of its nodes: ${unverifiedTls.join(' and ')} ` +
      `turns verification off, so anyone on the path can impersonate them. Give the CA that signed them as tls.ca instead.`;
    if (loggerGiven) {
      logger.warn({ service: this.service, code: HttpClientErrorCode.TlsUnverified }, message);
    } else {
      process.emitWarning(message, { code: HttpClientErrorCode.TlsUnverified });
    }
  }

  #fixedTarget(): string {
    const { target, scheme } = this.#options;
    return target.kind === 'static' ? `${scheme}://${target.address}` : this.service;
  }

  request(options: HttpRequestOptions): Promise<HttpResponse> {
    // Without stream(), every body is a Buffer. No await of its own: one promise less per request.
    return this.#run(options, false) as Promise<HttpResponse>;
  }

  async stream(options: HttpRequestOptions): Promise<HttpStreamResponse> {
    const answer = await this.#run(options, true);
    const { body } = answer;
    // A response read in full (a 503 that could have been retried) is streamed from memory.
    return Buffer.isBuffer(body)
      ? { ...answer, body: Readable.from(body.length > 0 ? [body] : []) }
      : (answer as HttpStreamResponse);
  }

  async #run(options: HttpRequestOptions, streaming: boolean): Promise<Answer> {
    if (this.#closing) throw this.#closedError(undefined);
    const request = resolveHttpRequest(options, this.service);
    const caller = request.signal;
    const stop = new RequestStop();
    const run: Run = {
      request,
      stop,
      streaming,
      tried: new Set(),
      errors: [],
      attempts: 0,
      unavailable: undefined,
    };
    if (caller?.aborted) throw this.#stopError(run, new Stop('aborted', caller.reason));
    this.#follow();

    const { scheduler } = this.#options;
    const deadline = this.#deadlines.add(() => stop.stop(new Stop('timeout')));
    const onCallerAbort = (): void => stop.stop(new Stop('aborted', caller?.reason));
    caller?.addEventListener('abort', onCallerAbort, { once: true });
    const release = (): void => {
      deadline.cancel();
      caller?.removeEventListener('abort', onCallerAbort);
    };
    let handedOver = false;
    try {
      for (;;) {
        const nodes = this.#readyNodes() ?? (await this.#nodes(run));
        // The timer may not have run yet although the deadline has passed (a busy event loop).
        if (!stop.aborted && scheduler.now() >= deadline.at) stop.stop(new Stop('timeout'));
        if (stop.aborted) throw this.#stopError(run, stop.reason);
        const answer = await this.#attempt(run, nodes);
        if (!answer) continue;
        const { body } = answer;
        if (!Buffer.isBuffer(body) && !body.destroyed) {
          // The deadline and the caller's signal go on bounding the body, until it ends.
          body.once('close', release);
          handedOver = true;
        }
        return answer;
      }
    } finally {
      if (!handedOver) release();
    }
  }

  nodes(): readonly string[] {
    if (this.#closing) return [];
    this.#follow();
    return this.#nodeSet.nodes().map((node) => node.endpoint);
  }

  close(signal?: AbortSignal): Promise<void> {
    this.#closing ??= this.#close();
    if (signal?.aborted) this.#force.abort(signal.reason);
    else if (signal) {
      const force = (): void => this.#force.abort(signal.reason);
      signal.addEventListener('abort', force, { once: true });
      void this.#closing.finally(() => signal.removeEventListener('abort', force));
    }
    return this.#closing;
  }

  async #close(): Promise<void> {
    for (const stop of this.#waiting) stop.stop(new Stop('closed'));
    this.#waiting.clear();
    this.#following?.unsubscribe();
    this.#nodeSet.close();
    await this.#pools.close(this.#force.signal);
    this.#deadlines.clear();
    this.#options.logger.debug({ service: this.service }, `HTTP client of "${this.service}" closed`);
  }

  // Follows the node set from the first use on (not from creation: a client never used must not
  // watch the registry), closing the pools of nodes that leave.
  #follow(): void {
    if (this.#following || this.#closing) return;
    this.#following = this.#nodeSet.state$.subscribe((state) => {
      if (state.kind === 'resolving') return;
      const nodes = state.kind === 'ready' ? state.nodes : [];
      this.#pools.retain(new Set(nodes.map((node) => node.endpoint)));
    });
  }

  // The nodes at once when the set is ready (the common case: no promise, no wait), else undefined.
  #readyNodes(): readonly Node[] | undefined {
    if (this.#closing) return undefined;
    const state = this.#nodeSet.state;
    return state.kind === 'ready' ? state.nodes : undefined;
  }

  // The nodes to pick from, waiting for the first ones when none is known yet. Rejects with the
  // node set's KRATOS_NO_INSTANCES, or the request's stop error when it stops meanwhile.
  async #nodes(run: Run): Promise<readonly Node[]> {
    if (this.#closing) throw this.#closedError(run);
    const { stop } = run;
    this.#waiting.add(stop);
    try {
      return await this.#nodeSet.ready(stop.signal);
    } catch (error) {
      // The node set rejects a wait cut short with an error saying why it has no node yet.
      if (stop.aborted) throw this.#stopError(run, stop.reason, error);
      throw error;
    } finally {
      this.#waiting.delete(stop);
    }
  }

  // One attempt on a picked node: the answer to return, or undefined to try again. Throws the
  // request's error when it must not (or may no longer) be retried.
  async #attempt(run: Run, nodes: readonly Node[]): Promise<Answer | undefined> {
    const { request, stop } = run;
    if (this.#closing) throw this.#closedError(run);
    const picked = this.#selector.pick(nodes, run.tried.size > 0 ? { exclude: run.tried } : undefined);
    const node = picked.node;
    run.tried.add(node.endpoint);
    run.attempts += 1;
    const started = performance.now();
    const result = await dispatchAttempt(
      this.#pools.get(node),
      request,
      stop,
      this.#attemptOptions(run, node),
    );
    const duration = performance.now() - started;

    const error = this.#feedbackError(run, node, result);
    picked.done(error === undefined ? { duration } : { duration, error });
    if (stop.aborted) throw this.#stopError(run, stop.reason);

    if (result.kind === 'response' || result.kind === 'stream') {
      const answer: Answer = {
        statusCode: result.statusCode,
        headers: result.headers,
        body: result.body,
        node: node.endpoint,
      };
      // A streamed body was handed over because no retry could follow.
      if (result.kind === 'stream') return answer;
      const outcome = { kind: 'response', statusCode: result.statusCode } as const;
      // Once the client is closing no retry may start: the 503 is the answer then.
      const retry =
        !this.#closing && shouldRetry(request.method, outcome, run.attempts, this.#options.maxRetries);
      if (!retry) return answer;
      run.errors.push(error);
      run.unavailable = answer;
      this.#logRetry(run, node, `it answered ${result.statusCode}`);
      return undefined;
    }
    if (result.kind === 'too-large') throw this.#tooLargeError(run, node, result);

    if (isRequestError(result.error)) {
      throw invalidOptions(
        HttpClientErrorCode.InvalidOptions,
        `Request ${request.label} to "${this.service}"`,
        [`it was refused before it was sent: ${describe(result.error)}: fix the request's headers or body`],
        { cause: result.error },
      );
    }
    run.errors.push(result.error);
    // A pool destroyed by close(signal) fails its requests; and no retry may start once closing.
    if (this.#closing) throw this.#closedError(run);
    if (!shouldRetry(request.method, result, run.attempts, this.#options.maxRetries)) {
      // A 503 an earlier attempt got is an answer; an error of the last attempt is not a better one.
      if (run.unavailable) return run.unavailable;
      throw this.#failedError(run, result);
    }
    this.#logRetry(run, node, describe(result.error));
    return undefined;
  }

  // How an attempt reads its response: `request()` reads at most maxResponseBytes (one shared
  // object: no allocation per request); `stream()` streams every body but a 503 that may be retried.
  #attemptOptions(run: Run, node: Node): AttemptOptions {
    if (!run.streaming) return this.#readOptions;
    const { method } = run.request;
    return {
      maxResponseBytes: this.#options.maxResponseBytes,
      streamBody: (statusCode) =>
        statusCode !== 503 ||
        this.#closing !== undefined ||
        !shouldRetry(method, { kind: 'response', statusCode }, run.attempts, this.#options.maxRetries),
      bodyError: (cause) => this.#bodyError(run, node, cause),
    };
  }

  // What the selector is told: transport errors and 5xx are failures of the node; a malformed
  // request or the caller's own abort say nothing about it.
  #feedbackError(run: Run, node: Node, result: AttemptResult): unknown {
    if (run.stop.reason?.kind === 'aborted') return undefined;
    if (result.kind === 'failure') return isRequestError(result.error) ? undefined : result.error;
    // Too large is about the response and the limit, not the node's health.
    if (result.kind === 'too-large') return undefined;
    if (result.statusCode < 500) return undefined;
    return new Error(`${redact(node.endpoint)} answered ${result.statusCode} to ${run.request.label}`);
  }

  #logRetry(run: Run, node: Node, why: string): void {
    const { logger } = this.#options;
    if (logger.isLevelEnabled?.('debug') === false) return;
    logger.debug(
      {
        service: this.service,
        node: redact(node.endpoint),
        attempt: run.attempts,
        request: run.request.label,
      },
      `HTTP client of "${this.service}": retrying ${run.request.label} on another node: ${redact(node.endpoint)} failed (${redact(why)})`,
    );
  }

  #stopError(run: Run, reason: unknown, waitError?: unknown): KratosError {
    const stop = reason instanceof Stop ? reason : new Stop('aborted', reason);
    const { request } = run;
    const last = run.errors.at(-1);
    const lastCause = run.errors.length > 0 ? { cause: last, errors: [...run.errors] } : {};
    if (stop.kind === 'closed') return this.#closedError(run);
    if (stop.kind === 'aborted') {
      return new KratosError(
        HttpClientErrorCode.Aborted,
        `Request ${request.label} to "${this.service}" was aborted by its signal${this.#progress(run)}.`,
        { cause: stop.reason, errors: [...run.errors] },
      );
    }
    const { timeout } = this.#options;
    if (run.attempts === 0) {
      const why =
        waitError instanceof Error
          ? waitError.message
          : `No instance of "${this.service}" with an ${this.#options.scheme}:// endpoint was listed yet: check ` +
            `that it is running and registered in the discovery the client was given.`;
      return new KratosError(
        HttpClientErrorCode.Timeout,
        `Request ${request.label} to "${this.service}" timed out after ${timeout} ms waiting for the first ` +
          `instances of the service. ${why}`,
        waitError === undefined ? {} : { cause: waitError },
      );
    }
    return new KratosError(
      HttpClientErrorCode.Timeout,
      `Request ${request.label} to "${this.service}" timed out after ${timeout} ms${this.#progress(run)}. ` +
        `Raise timeout (the deadline of the whole request, retries included), or find out why the node is slow.`,
      lastCause,
    );
  }

  #closedError(run: Run | undefined): KratosError {
    if (!run) {
      return new KratosError(
        HttpClientErrorCode.Closed,
        `HTTP client of "${this.service}" is closed: create a new client (close() is final), or close it only after its last request.`,
      );
    }
    return new KratosError(
      HttpClientErrorCode.Closed,
      `Request ${run.request.label} to "${this.service}" was given up: the client was closed${this.#progress(run)}. ` +
        `Close the client only after its last request (requests in flight finish unless close() is given a signal that aborts).`,
      run.errors.length > 0 ? { cause: run.errors.at(-1), errors: [...run.errors] } : {},
    );
  }

  #failedError(run: Run, result: Extract<AttemptResult, { kind: 'failure' }>): KratosError {
    const { request } = run;
    const { maxRetries } = this.#options;
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
      `Request ${request.label} to "${this.service}" failed${this.#progress(run)}: ${redact(describe(result.error))}. ${advice}`,
      { cause: result.error, errors: [...run.errors] },
    );
  }

  #tooLargeError(run: Run, node: Node, result: Extract<AttemptResult, { kind: 'too-large' }>): KratosError {
    const limit = this.#options.maxResponseBytes;
    const what = result.declared
      ? `has content-length ${result.received}, past maxResponseBytes (${limit} bytes): it was not read`
      : `went past maxResponseBytes (${limit} bytes): it was aborted after ${result.received} bytes`;
    return new KratosError(
      HttpClientErrorCode.ResponseTooLarge,
      `The ${result.statusCode} response to ${run.request.label} from "${this.service}" (node ${redact(node.endpoint)}) ${what}. ` +
        `Raise maxResponseBytes in the client's options, or take a large body as a stream with client.stream().`,
    );
  }

  // The error a streamed body fails with: the request's stop error (deadline, signal, close), or
  // the connection breaking under it.
  #bodyError(run: Run, node: Node, cause: unknown): Error {
    if (cause instanceof Stop) return this.#stopError(run, cause);
    // close(signal) destroyed the pools under it.
    if (this.#closing) return this.#closedError(run);
    return new KratosError(
      HttpClientErrorCode.RequestFailed,
      `The response body of ${run.request.label} from "${this.service}" (node ${redact(node.endpoint)}) broke off before its end: ` +
        `${redact(describe(cause))}. Check what the node does while it sends it; the request was not retried (its response had started).`,
      { cause },
    );
  }

  // " after 2 attempts (nodes tried: a, b)", or nothing before the first attempt.
  #progress(run: Run): string {
    if (run.attempts === 0) return ' before any attempt';
    const plural = run.attempts === 1 ? 'attempt' : 'attempts';
    return ` after ${run.attempts} ${plural} (nodes tried: ${redact([...run.tried].join(', '))})`;
  }
}

// Duck-typed: errors of Node's core may come from another realm (a VM context, as under jest).
function describe(error: unknown): string {
  const { message, name } = (typeof error === 'object' && error !== null ? error : {}) as Partial<Error>;
  if (typeof message !== 'string') return String(error);
  const text = message || (typeof name === 'string' ? name : 'error');
  const code = codeOf(error);
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}
