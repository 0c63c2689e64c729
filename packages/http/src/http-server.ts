import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { networkInterfaces } from 'node:os';
import {
  endpointHost,
  type KernelView,
  KratosError,
  type Logger,
  safeLogger,
  type TransportServer,
} from '@kratos-ts/core';
import { describeError, hostPort, tlsMaterialProblem } from '@kratos-ts/core/internal';
import { clientWentAway, clientWentAwayMessage } from './client-went-away.js';
import { drainServer, type DrainOptions } from './drain-server.js';
import { failResponse } from './fail-response.js';
import { FastifyLifecycle } from './fastify-lifecycle.js';
import { guardHandler } from './guard-handler.js';
import { handlerFailureMessage, requestPath } from './handler-failure-message.js';
import { HttpErrorCode } from './http-error-codes.js';
import { HttpWarningCode } from './http-warning-codes.js';
import type { HttpServerOptions } from './http-server-options.js';
import { listen } from './listen.js';
import { listenError } from './listen-error.js';
import { listenTlsError } from './listen-tls-error.js';
import { MetricsEndpoint } from './metrics-endpoint.js';
import { Probes } from './probes.js';
import { resolveHttpServerOptions, type ResolvedHttpServerOptions } from './resolve-http-server-options.js';
import type { ServerPhase } from './server-phase.js';
import { SocketTracker } from './socket-tracker.js';
import { addFastifyRouteHook } from './telemetry/fastify-route-hook.js';
import { ServerRequestTelemetry } from './telemetry/server-request-telemetry.js';
import { guardCloseUpgraded, upgradeListener } from './upgrades.js';

/**
 * An HTTP(S) `TransportServer`: serves any `(req, res)` listener, answers `/livez` and `/readyz`
 * from the kernel's lifecycle state, and stops without dropping a request that reached it.
 *
 * - `start(signal)` resolves once listening; a bind failure rejects with a `KRATOS_HTTP_*` error
 *   naming host and port.
 * - `stop(signal)` stops listening, asks the app to close upgraded connections (`closeUpgraded`),
 *   closes idle keep-alive sockets, closes those without a complete request head after
 *   `partialRequestGrace`, lets in-flight requests finish (answered with `Connection: close`),
 *   closes each socket once its response ends, and destroys what is left when `signal` aborts
 *   (`stopTimeout`). See docs/http.md.
 * - A handler that throws or rejects, or whose response emits an error (a write after `end()`), gets
 *   its request answered 500 (or its response cut when the headers were already sent); the error is
 *   logged with method and path, and serving goes on. When the client went away (an aborted
 *   upload), that is logged at debug level instead and counted in `abandonedRequests`.
 * - Logging never breaks it: the kernel's logger is wrapped with `safeLogger`.
 * - Telemetry, on `@opentelemetry/api` (nothing recorded without an SDK): a SERVER span per request,
 *   child of its W3C `traceparent`, named `METHOD route` when Express or Fastify knows the route; the
 *   handler runs in its context; `http.server.request.duration` and `http.server.active_requests`.
 *   With `metrics`, `GET /metrics` is answered like the probes, through the drain too. See docs/http.md.
 * - A Fastify instance as `handler` (`FastifyApp`): `start` awaits its `ready()` first (a plugin
 *   that fails rejects it with `KRATOS_HTTP_APP_START_FAILED`), requests go to its `routing`, and
 *   `stop` awaits its `close()` after the drain, so its `onClose` hooks run once the last response
 *   is out. A closed Fastify instance cannot serve again: such a server cannot be restarted.
 *
 * @example
 * // A library-style binding …
 * container.bind(SERVER).toDynamicValue((ctx) => new HttpServer({ handler: ctx.get(Api).handle }));
 * // … or a decorated subclass.
 * \@Server()
 * class ApiServer extends HttpServer {
 *   constructor(@inject(Api) api: Api) {
 *     super({ handler: api.handle, port: 8080 });
 *   }
 * }
 * // A Fastify app, with no ready() nor close() to call by hand.
 * new HttpServer({ handler: Fastify().get('/hello', async () => 'hello') });
 */
export class HttpServer implements TransportServer {
  /** Used in logs and errors when the server is not decorated with `@Server({ name })`. */
  readonly name: string;
  readonly #options: ResolvedHttpServerOptions;
  readonly #probes: Probes;
  readonly #app: FastifyLifecycle | undefined;
  readonly #metrics: MetricsEndpoint | undefined;
  readonly #telemetry: ServerRequestTelemetry;
  /** A Fastify app the route hook could not be added to (already booted): its spans name no route. */
  readonly #fastifyRoutesUnknown: boolean;
  #phase: ServerPhase = 'idle';
  #server: Server | undefined;
  #tracker: SocketTracker | undefined;
  #starting: { readonly done: Promise<void>; readonly abort: AbortController } | undefined;
  #stopping: { readonly done: Promise<void>; readonly force: AbortController } | undefined;
  #logger: Logger | undefined;
  #abandonedRequests = 0;

  /** Checks the options at once: invalid ones throw a `KRATOS_HTTP_INVALID_OPTIONS` error listing each problem. */
  constructor(options: HttpServerOptions) {
    this.#options = resolveHttpServerOptions(options);
    this.name = this.#options.name;
    this.#probes = new Probes(this.#options.health);
    const { app } = this.#options;
    this.#app = app && new FastifyLifecycle(this.name, app, this.#appCloseFailed);
    this.#fastifyRoutesUnknown = app !== undefined && !addFastifyRouteHook(app);
    const { metrics, tls } = this.#options;
    this.#metrics = metrics && new MetricsEndpoint(metrics, this.#metricsFailed);
    this.#telemetry = new ServerRequestTelemetry(this.name, tls ? 'https' : 'http');
  }

  /** Where the server is in its own lifecycle. */
  get phase(): ServerPhase {
    return this.#phase;
  }

  /**
   * How many requests failed only because their client went away (an upload aborted mid-body, a
   * connection closed while the handler worked): not handler failures, so logged at debug level
   * (not at all standalone) and counted here. Kept across restarts.
   */
  get abandonedRequests(): number {
    return this.#abandonedRequests;
  }

  /**
   * Called by the kernel before `start`: the probes follow its `state$` from then on, and errors
   * the server meets while serving go to the kernel's logger (wrapped with `safeLogger`, so a
   * logger that throws loses its line and breaks nothing).
   */
  attachKernel(kernel: KernelView): void {
    this.#probes.watch(kernel.state$);
    this.#logger = safeLogger(kernel.logger);
    if (this.#fastifyRoutesUnknown) {
      this.#logger.debug(
        { server: this.name },
        `HTTP server "${this.name}": its Fastify app was already booted, so no hook could tell its spans and metrics the route (they name the method alone). Hand the app over before calling its ready().`,
      );
    }
  }

  /**
   * Listens on `host:port` and resolves on `listening`. Rejects with `KRATOS_HTTP_TLS_INVALID` when
   * the `tls` key, certificate or CA is unusable, with `KRATOS_HTTP_ADDRESS_IN_USE`,
   * `KRATOS_HTTP_PERMISSION_DENIED` or `KRATOS_HTTP_LISTEN_FAILED` when it cannot bind, and with
   * `signal.reason` when `signal` aborts first. With a Fastify app, awaits its `ready()` first and
   * rejects with `KRATOS_HTTP_APP_START_FAILED` when it rejects; a start that fails closes the app.
   * A stopped server may be started again, except one serving a Fastify app (closed by the stop).
   */
  start(signal: AbortSignal): Promise<void> {
    if (this.#phase !== 'idle' && this.#phase !== 'stopped') {
      return Promise.reject(
        new KratosError(
          HttpErrorCode.AlreadyStarted,
          `HTTP server "${this.name}" cannot start: it is ${this.#phase} on ${this.#address()}. Call stop() and await it before starting it again.`,
        ),
      );
    }
    const abort = new AbortController();
    const done = this.#start(AbortSignal.any([signal, abort.signal]));
    this.#starting = { done, abort };
    return done;
  }

  /**
   * Graceful stop; see the class comment. Resolves when every socket is closed: within
   * `IDLE_CLOSE_GRACE_MS` when nothing is in flight, within `partialRequestGrace` when some
   * connection has not sent a complete request head, and at the latest right after `signal`
   * aborts. Calls made while a stop runs share it, and the first of their signals to abort
   * finishes it forcibly. On a server that is not listening it resolves at once. With a Fastify
   * app, awaits its `close()` after the drain, bounded by `signal`; rejects with
   * `KRATOS_HTTP_APP_CLOSE_FAILED` when that rejects or outlasts `signal`.
   */
  stop(signal: AbortSignal): Promise<void> {
    if (!this.#stopping) {
      const force = new AbortController();
      const done = this.#stop(force.signal).finally(() => (this.#stopping = undefined));
      this.#stopping = { done, force };
    }
    const { done, force } = this.#stopping;
    if (signal.aborted) {
      force.abort(signal.reason);
      return done;
    }
    const onAbort = (): void => force.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    return done.finally(() => signal.removeEventListener('abort', onAbort));
  }

  /**
   * The URL to register: `http://IP:PORT` (`https` with TLS) with the port actually bound. A server
   * bound to `0.0.0.0` or `::` reports this host's first non-internal IPv4 address (`127.0.0.1`
   * when there is none). Throws `KRATOS_HTTP_NOT_LISTENING` when the server is not listening.
   */
  endpoint(): string {
    const address = this.#server?.address();
    if (this.#phase !== 'listening' || !address || typeof address === 'string') {
      throw new KratosError(
        HttpErrorCode.NotListening,
        `HTTP server "${this.name}" has no endpoint: it is ${this.#phase}, not listening. Ask endpoint() after start() resolved.`,
      );
    }
    const scheme = this.#options.tls ? 'https' : 'http';
    return `${scheme}://${endpointHost(address.address, networkInterfaces())}:${address.port}`;
  }

  async #start(signal: AbortSignal): Promise<void> {
    const app = this.#app;
    this.#phase = 'starting';
    try {
      // Before listening: a request must never reach a Fastify app whose plugins are not loaded.
      await app?.ready(signal);
      try {
        await this.#listen(signal);
      } catch (error) {
        // The kernel stops only servers that started: nothing else would ever close the app.
        await app?.closeAfterFailedStart(signal);
        throw error;
      }
    } catch (error) {
      this.#phase = 'idle';
      throw error;
    } finally {
      this.#starting = undefined;
    }
    this.#phase = 'listening';
  }

  async #listen(signal: AbortSignal): Promise<void> {
    const { port, host } = this.#options;
    const tracker = new SocketTracker();
    const server = this.#createServerOrTlsError(tracker);
    try {
      await listen(server, port, host, signal);
    } catch (error) {
      if (signal.aborted && error === signal.reason) throw error;
      throw listenError(this.name, host, port, error);
    }
    server.on('error', (error) => {
      const message = `HTTP server "${this.name}" on ${this.#address()}: ${error.message}`;
      // Standalone (no kernel), a warning is the one channel every Node process has.
      const code = HttpErrorCode.ListenFailed;
      if (this.#logger) this.#logger.error({ err: error, server: this.name, code }, message);
      else process.emitWarning(message, { code });
    });
    this.#server = server;
    this.#tracker = tracker;
  }

  async #stop(signal: AbortSignal): Promise<void> {
    if (this.#starting) {
      this.#starting.abort.abort(
        new DOMException(`HTTP server "${this.name}" was stopped while starting`, 'AbortError'),
      );
      await this.#starting.done.catch(() => undefined);
    }
    const server = this.#server;
    const tracker = this.#tracker;
    if (this.#phase !== 'listening' || !server || !tracker) {
      // A start this stop interrupted closes its Fastify app; the stop ends once that is done.
      await this.#app?.settleFailedStart(signal);
      return;
    }
    this.#phase = 'draining';
    // Logged because a rolling restart's timeline needs the instant new connections start being refused.
    this.#logger?.info(
      { server: this.name },
      `HTTP server "${this.name}" closed its listener on ${this.#address()}; draining its connections`,
    );
    try {
      await drainServer(server, tracker, signal, this.#drainOptions(tracker));
      // After the drain, so that the app's onClose hooks (a database pool …) outlive every request.
      await this.#app?.close(signal);
    } finally {
      this.#phase = 'stopped';
      this.#server = undefined;
      this.#tracker = undefined;
    }
  }

  // Node accepts a CA that is no certificate and names no culprit for a bad key: find it first.
  #createServerOrTlsError(tracker: SocketTracker): Server {
    const { tls } = this.#options;
    const problem = tls ? tlsMaterialProblem(tls) : undefined;
    if (problem) throw listenTlsError(this.name, problem);
    try {
      return this.#createServer(tracker);
    } catch (error) {
      if (tls) throw listenTlsError(this.name, { cause: error });
      throw error;
    }
  }

  #createServer(tracker: SocketTracker): Server {
    const { tls, headersTimeout, requestTimeout, keepAliveTimeout, handler, onUpgrade } = this.#options;
    const probes = this.#probes;
    const metrics = this.#metrics;
    const telemetry = this.#telemetry;
    const server: Server = tls
      ? createHttpsServer({ ...tls, headersTimeout, requestTimeout })
      : createHttpServer({ headersTimeout, requestTimeout });
    server.keepAliveTimeout = keepAliveTimeout;
    if (tls) {
      server.on('connection', tracker.trackHandshake);
      server.on('secureConnection', tracker.trackSecure);
    } else server.on('connection', tracker.track);
    if (onUpgrade) server.on('upgrade', upgradeListener(this.name, tracker, onUpgrade, this.#upgradeFailed));
    const guarded = guardHandler(handler, (error, req, res) => this.#handlerFailed(error, req, res));
    server.on('request', (req, res) => {
      tracker.onRequest(req, res);
      if (probes.answer(req, res, this.#phase)) return;
      if (metrics?.answer(req, res)) return;
      telemetry.run(req, res, guarded);
    });
    return server;
  }

  /**
   * A handler threw or rejected, or its response emitted an error: answer 500 (or cut the response)
   * and report it, at debug level when the client went away; see docs/http.md.
   */
  #handlerFailed(error: unknown, req: IncomingMessage, res: ServerResponse): void {
    this.#telemetry.failed(req, error);
    const method = req.method ?? 'GET';
    const path = requestPath(req.url);
    const outcome = failResponse(res, method);
    const fields = { err: error, method, path, server: this.name };
    const lost = clientWentAway(error, outcome);
    if (lost !== undefined) {
      this.#abandonedRequests += 1;
      this.#logger?.debug(fields, clientWentAwayMessage(this.name, method, path, lost));
      return;
    }
    const message = handlerFailureMessage(this.name, method, path, error, outcome);
    const code = HttpWarningCode.HandlerFailed;
    if (this.#logger) this.#logger.error({ ...fields, code }, message);
    else process.emitWarning(message, { code });
  }

  /**
   * What the drain does beyond HTTP: the partial-request grace, and `closeUpgraded` for each upgraded
   * connection. Without `closeUpgraded`, warns how many upgraded connections the stop will hold.
   */
  #drainOptions(tracker: SocketTracker): DrainOptions {
    const { partialRequestGrace, closeUpgraded } = this.#options;
    if (closeUpgraded) {
      return {
        partialRequestGrace,
        closeUpgraded: guardCloseUpgraded(this.name, closeUpgraded, this.#upgradeFailed),
      };
    }
    const held = tracker.upgradedSockets().length;
    if (held > 0) {
      const message = `HTTP server "${this.name}" holds ${held} upgraded connection(s) (WebSocket) that it cannot close gracefully: they stay open until stopTimeout, then are destroyed. Give closeUpgraded to close them (a WebSocket close 1001 Going Away).`;
      const code = HttpWarningCode.UpgradedHeld;
      if (this.#logger) this.#logger.warn({ server: this.name, upgraded: held, code }, message);
      else process.emitWarning(message, { code });
    }
    return { partialRequestGrace };
  }

  /** Closing the Fastify app after a failed start failed: nobody awaits that close, so it is reported here. */
  readonly #appCloseFailed = (error: KratosError): void => {
    const code = HttpErrorCode.AppCloseFailed;
    if (this.#logger) this.#logger.error({ err: error, server: this.name, code }, error.message);
    else process.emitWarning(error.message, { code });
  };

  /** The `metrics` source failed a scrape (answered 500); see docs/http.md. */
  readonly #metricsFailed = (error: unknown): void => {
    const message = `HTTP server "${this.name}" answered GET /metrics with 500: its metrics source's collect() failed: ${describeError(error)}. Check the MetricsSource given as the metrics option (its meter provider may be shut down).`;
    const code = HttpWarningCode.MetricsFailed;
    if (this.#logger) this.#logger.error({ err: error, server: this.name, code }, message);
    else process.emitWarning(message, { code });
  };

  /** `onUpgrade` or `closeUpgraded` threw or rejected; see docs/http.md. */
  readonly #upgradeFailed = (error: unknown, request: IncomingMessage, message: string): void => {
    const method = request.method ?? 'GET';
    const path = requestPath(request.url);
    const code = HttpWarningCode.UpgradeFailed;
    if (this.#logger) this.#logger.error({ err: error, method, path, server: this.name, code }, message);
    else process.emitWarning(message, { code });
  };

  #address(): string {
    const address = this.#server?.address();
    if (address && typeof address === 'object') return hostPort(address.address, address.port);
    const { host, port } = this.#options;
    return hostPort(host, port);
  }
}
