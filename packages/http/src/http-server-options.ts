import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerOptions as TlsServerOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { MetricsSource } from '@kratos-ts/core';
import type { FastifyApp } from './fastify-app.js';

/**
 * Any Node request listener: a plain function, an `async` function, an Express 5 app, Koa's
 * `app.callback()`, Hono's app through `@hono/node-server`'s `getRequestListener(app.fetch)`. (A
 * Fastify instance is given as it is: see `FastifyApp`.) Bind it as a method of a container service (an arrow property keeps `this`) to
 * inject `APP_INFO`. If it throws, or the promise it returns rejects, the server answers 500 (or
 * cuts the response when its headers were already sent), logs the error and keeps serving.
 */
export type HttpHandler =
  | ((req: IncomingMessage, res: ServerResponse) => void)
  // A union of signatures rather than `=> void | Promise<void>`: that would reject `(req, res) => res.end()`.
  | ((req: IncomingMessage, res: ServerResponse) => Promise<void>);

/**
 * Takes over a connection that asked for an `Upgrade` (a WebSocket handshake): Node's `upgrade`
 * event. The socket is no longer HTTP; `ws`'s `WebSocketServer.handleUpgrade(req, socket, head, cb)`
 * is one such listener.
 */
export type HttpUpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Asks the application to close one upgraded connection because the server is stopping (for a
 * WebSocket: a close frame, code 1001 Going Away). The stop waits for the socket to close, not for
 * the returned promise; a throw or a rejection is logged.
 */
export type CloseUpgradedHandler = (socket: Duplex, request: IncomingMessage) => void | Promise<void>;

/** Where the probes answer. Each path is matched exactly (a query string is ignored), GET and HEAD only. */
export interface HealthOptions {
  /** Liveness: 200 while the process is alive and the app not stopped. Default `/livez`. */
  readonly livePath?: string | undefined;
  /** Readiness: 200 only while the kernel is `running`, 503 from the first instant of `stopping`. Default `/readyz`. */
  readonly readyPath?: string | undefined;
}

/**
 * What `new HttpServer(options)` takes. Only `handler` is required. Every duration is in milliseconds.
 *
 * @example
 * new HttpServer({ handler: express(), port: 8080, health: { readyPath: '/ready' } });
 * new HttpServer({ handler: Fastify(), port: 8080 }); // ready() at start, close() after the drain
 */
export interface HttpServerOptions {
  /**
   * What every request goes to, after the probes: a request listener (`HttpHandler`: a function,
   * an Express app, Koa's `app.callback()` …) or a Fastify instance (`FastifyApp`), whose `ready()`
   * the server awaits at start and whose `close()` it awaits after the drain.
   */
  readonly handler: HttpHandler | FastifyApp;
  /** Port to listen on; 0 lets the OS choose (`endpoint()` reports the real one). Default 8000. */
  readonly port?: number | undefined;
  /** Address to bind. Default `'0.0.0.0'` (every IPv4 interface). */
  readonly host?: string | undefined;
  /** Used in logs and errors when the server is not decorated with `@Server({ name })`. Default `'http'`. */
  readonly name?: string | undefined;
  /** `node:https` options (`key`, `cert` …): serve HTTPS, and `endpoint()` says `https`. */
  readonly tls?: TlsServerOptions | undefined;
  /** Probe paths, or `false` to answer no probe. Default `{ livePath: '/livez', readyPath: '/readyz' }`. */
  readonly health?: HealthOptions | false | undefined;
  /**
   * How long an idle keep-alive socket stays open while the server runs (Node's default is 5000).
   * Default 65000: longer than the idle timeout of common load balancers (60 s), so that the
   * balancer, not this server, closes idle connections. It never delays `stop()`.
   */
  readonly keepAliveTimeout?: number | undefined;
  /** How long a client may take to send the request headers; 0 disables. Default 60000 (Node's). */
  readonly headersTimeout?: number | undefined;
  /** How long a client may take to send the whole request; 0 disables. Default 300000 (Node's). */
  readonly requestTimeout?: number | undefined;
  /**
   * Once a stop began, how long a connection may still take to send a complete request head;
   * then it is closed without a response. It covers connections that sent nothing yet, a partial
   * head (slowloris), an unfinished TLS handshake, and keep-alive ones that began their next
   * request. A request whose head arrived before is served as usual. Default 1000; values below
   * `IDLE_CLOSE_GRACE_MS` (20) act as 20.
   */
  readonly partialRequestGrace?: number | undefined;
  /**
   * Takes over requests that ask for an `Upgrade` (WebSocket). Without it, such a request reaches
   * `handler` like any other (Node's behavior). Upgraded connections are tracked: see `closeUpgraded`.
   * Once a stop began, upgrade requests are answered 503 with `Connection: close` instead.
   */
  readonly onUpgrade?: HttpUpgradeHandler | undefined;
  /**
   * Called for each upgraded connection when a stop begins (the listener is already closed), so
   * that the application closes it gracefully; the stop resolves once they all closed, and destroys
   * the ones left at `stopTimeout`. Without it upgraded connections stay open until `stopTimeout`,
   * and the stop logs a warning saying how many. Needs `onUpgrade`.
   */
  readonly closeUpgraded?: CloseUpgradedHandler | undefined;
  /**
   * Serves `GET /metrics` (and `HEAD`) from this source, e.g. `prometheusMetrics()` of
   * `@kratos-ts/telemetry`: answered before `handler`, like the probes, in every phase (while the
   * kernel stops too, and through the drain on connections still open), never traced nor counted
   * as a request in flight. A `collect()` that fails is answered 500 and logged
   * (`KRATOS_HTTP_METRICS_FAILED`). Default none: `/metrics` goes to `handler` like any path.
   */
  readonly metrics?: MetricsSource | undefined;
}

/**
 * The defaults of every `HttpServerOptions` option that has one (`livePath` and `readyPath` are
 * those of `health`). Durations in milliseconds.
 */
export const HTTP_SERVER_DEFAULTS = Object.freeze({
  /** The port listened on. */
  port: 8000,
  /** Every IPv4 interface; the registered endpoint names this host's first non-internal IPv4. */
  host: '0.0.0.0',
  /** The name in logs and errors. */
  name: 'http',
  /** The liveness probe's path. */
  livePath: '/livez',
  /** The readiness probe's path. */
  readyPath: '/readyz',
  /** Idle keep-alive sockets: longer than common load balancers' 60 s, so they close first. */
  keepAliveTimeout: 65_000,
  /** Node's own default for receiving the request headers. */
  headersTimeout: 60_000,
  /** Node's own default for receiving the whole request. */
  requestTimeout: 300_000,
  /** How long into a stop a connection may still take to send a complete request head. */
  partialRequestGrace: 1_000,
});
