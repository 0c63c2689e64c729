import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { redact, type KratosError } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import { p2c, type Node, type NodeSet, type Selector } from '@kratos-ts/discovery';
import type { Subscription } from 'rxjs';
import { clientNodeSet } from './client-node-set.js';
import { DeadlineQueue } from './deadline-queue.js';
import { describeTransportError } from './describe-transport-error.js';
import { dispatchAttempt, type AttemptOptions, type AttemptResult } from './dispatch-attempt.js';
import {
  bodyBrokeError,
  clientClosedError,
  requestClosedError,
  requestFailedError,
  requestRefusedError,
  requestStopError,
  responseTooLargeError,
  type HttpClientErrorContext,
} from './http-client-errors.js';
import type { HttpClient, HttpRequestOptions, HttpResponse, HttpStreamResponse } from './http-client.js';
import type { HttpClientOptions } from './http-client-options.js';
import { NodePools } from './node-pools.js';
import type { Answer, RequestRun } from './request-run.js';
import { RequestStop, Stop } from './request-stop.js';
import { resolveHttpClientOptions, type ResolvedHttpClientOptions } from './resolve-http-client-options.js';
import { resolveHttpRequest } from './resolve-http-request.js';
import { isRequestError, shouldRetry } from './retry-policy.js';
import { warnUnverifiedTls } from './warn-unverified-tls.js';
import { ClientTelemetry } from '../telemetry/client-request-telemetry.js';

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
 * - Telemetry, on `@opentelemetry/api` (nothing recorded without an SDK): a CLIENT span per request
 *   whose `traceparent` goes out in its headers, each retry an event `retry` on it and a count in
 *   `kratos.client.retries`, and `http.client.request.duration` per attempt. See docs/http.md.
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

class DiscoveryHttpClient implements HttpClient {
  readonly service: string;
  readonly #options: ResolvedHttpClientOptions;
  // What the error builders read: one object, made once.
  readonly #context: HttpClientErrorContext;
  readonly #selector: Selector;
  readonly #nodeSet: NodeSet;
  readonly #pools: NodePools;
  readonly #deadlines: DeadlineQueue;
  // Requests waiting for a node (not in an attempt): close() stops them at once.
  readonly #waiting = new Set<RequestStop>();
  readonly #force = new AbortController();
  readonly #telemetry: ClientTelemetry;
  readonly #readOptions: AttemptOptions;
  #following: Subscription | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedHttpClientOptions) {
    this.#options = options;
    this.#context = { service: options.service, options };
    this.service = options.service;
    this.#selector = options.selector ?? p2c();
    this.#pools = new NodePools({ service: options.service, logger: options.logger, tls: options.tls });
    this.#deadlines = new DeadlineQueue(options.scheduler, options.timeout);
    this.#readOptions = { maxResponseBytes: options.maxResponseBytes };
    this.#nodeSet = clientNodeSet(options);
    this.#telemetry = new ClientTelemetry(options.service);
    warnUnverifiedTls(options);
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

  #run(options: HttpRequestOptions, streaming: boolean): Promise<Answer> {
    let run: RequestRun;
    try {
      if (this.#closing) throw this.#closedError(undefined);
      const request = resolveHttpRequest(options, this.service);
      run = {
        request,
        stop: new RequestStop(),
        streaming,
        tried: new Set(),
        errors: [],
        attempts: 0,
        unavailable: undefined,
        // Its traceparent goes into the request's own copy of the headers.
        telemetry: this.#telemetry.begin(request.method, request.path, request.headers),
      };
    } catch (error) {
      // What resolveHttpRequest and the closed check throw: KratosErrors.
      return Promise.reject(error instanceof Error ? error : new Error(describeError(error)));
    }
    const exchange = this.#exchange(run);
    const { telemetry } = run;
    // Without an SDK: no span, no extra promise.
    if (!telemetry) return exchange;
    return exchange.then(
      (answer) => {
        const { body } = answer;
        telemetry.answered(
          answer.statusCode,
          answer.node,
          run.attempts,
          Buffer.isBuffer(body) ? undefined : body,
        );
        return answer;
      },
      (error: unknown) => {
        telemetry.failed(error, lastOf(run.tried), run.attempts);
        throw error;
      },
    );
  }

  async #exchange(run: RequestRun): Promise<Answer> {
    const { request, stop } = run;
    const caller = request.signal;
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
  async #nodes(run: RequestRun): Promise<readonly Node[]> {
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
  async #attempt(run: RequestRun, nodes: readonly Node[]): Promise<Answer | undefined> {
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
    run.telemetry?.attempted(
      node.endpoint,
      duration / 1000,
      result.kind === 'failure' ? { error: result.error } : { statusCode: result.statusCode },
    );

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
    if (result.kind === 'too-large') throw responseTooLargeError(this.#context, run, node, result);

    if (isRequestError(result.error)) {
      throw requestRefusedError(this.service, run, result.error);
    }
    run.errors.push(result.error);
    // A pool destroyed by close(signal) fails its requests; and no retry may start once closing.
    if (this.#closing) throw this.#closedError(run);
    if (!shouldRetry(request.method, result, run.attempts, this.#options.maxRetries)) {
      // A 503 an earlier attempt got is an answer; an error of the last attempt is not a better one.
      if (run.unavailable) return run.unavailable;
      throw requestFailedError(this.#context, run, result);
    }
    this.#logRetry(run, node, describeTransportError(result.error));
    return undefined;
  }

  // How an attempt reads its response: `request()` reads at most maxResponseBytes (one shared
  // object: no allocation per request); `stream()` streams every body but a 503 that may be retried.
  #attemptOptions(run: RequestRun, node: Node): AttemptOptions {
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
  #feedbackError(run: RequestRun, node: Node, result: AttemptResult): unknown {
    if (run.stop.reason?.kind === 'aborted') return undefined;
    if (result.kind === 'failure') return isRequestError(result.error) ? undefined : result.error;
    // Too large is about the response and the limit, not the node's health.
    if (result.kind === 'too-large') return undefined;
    if (result.statusCode < 500) return undefined;
    return new Error(`${redact(node.endpoint)} answered ${result.statusCode} to ${run.request.label}`);
  }

  #logRetry(run: RequestRun, node: Node, why: string): void {
    run.telemetry?.retrying(run.attempts, node.endpoint, why);
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

  #stopError(run: RequestRun, reason: unknown, waitError?: unknown): KratosError {
    return requestStopError(this.#context, run, reason, waitError);
  }

  #closedError(run: RequestRun | undefined): KratosError {
    return run ? requestClosedError(this.service, run) : clientClosedError(this.service);
  }

  // The error a streamed body fails with: the request's stop error (deadline, signal, close), or
  // the connection breaking under it.
  #bodyError(run: RequestRun, node: Node, cause: unknown): Error {
    if (cause instanceof Stop) return this.#stopError(run, cause);
    // close(signal) destroyed the pools under it.
    if (this.#closing) return this.#closedError(run);
    return bodyBrokeError(this.service, run, node, cause);
  }
}

// The last endpoint tried: a Set iterates in insertion order.
function lastOf(tried: ReadonlySet<string>): string | undefined {
  let last: string | undefined;
  for (const endpoint of tried) last = endpoint;
  return last;
}
