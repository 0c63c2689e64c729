import type { ServerOptions as TlsServerOptions } from 'node:https';
import type { MetricsSource } from '@kratos-ts/core';
import {
  checkDuration,
  checkInteger,
  checkKnownKeys,
  describeValue,
  hasMethods,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { isFastifyApp, type FastifyApp } from './fastify-app.js';
import { HttpErrorCode } from './http-error-codes.js';
import { METRICS_PATH } from './metrics-endpoint.js';
import {
  HTTP_SERVER_DEFAULTS,
  type CloseUpgradedHandler,
  type HttpHandler,
  type HttpServerOptions,
  type HttpUpgradeHandler,
} from './http-server-options.js';

/** Both probe paths, resolved. */
export interface ProbePaths {
  readonly livePath: string;
  readonly readyPath: string;
}

/** `HttpServerOptions` with every default applied. */
export interface ResolvedHttpServerOptions {
  /** The request listener; for a Fastify app, one that calls its `routing`. */
  readonly handler: HttpHandler;
  /** The Fastify app the handler routes through, whose `ready()` and `close()` the server awaits. */
  readonly app: FastifyApp | undefined;
  readonly port: number;
  readonly host: string;
  readonly name: string;
  readonly tls: TlsServerOptions | undefined;
  readonly health: ProbePaths | false;
  readonly keepAliveTimeout: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly partialRequestGrace: number;
  readonly onUpgrade: HttpUpgradeHandler | undefined;
  readonly closeUpgraded: CloseUpgradedHandler | undefined;
  readonly metrics: MetricsSource | undefined;
}

const KNOWN_OPTIONS = [
  'handler',
  'port',
  'host',
  'name',
  'tls',
  'health',
  'keepAliveTimeout',
  'headersTimeout',
  'requestTimeout',
  'partialRequestGrace',
  'onUpgrade',
  'closeUpgraded',
  'metrics',
];
const TIMEOUTS = ['keepAliveTimeout', 'headersTimeout', 'requestTimeout', 'partialRequestGrace'] as const;

/**
 * Checks the options and applies the defaults. Every problem is reported at once, in one
 * `KRATOS_HTTP_INVALID_OPTIONS` error naming the server.
 */
export function resolveHttpServerOptions(options: HttpServerOptions): ResolvedHttpServerOptions {
  const isObject = typeof options === 'object' && options !== null;
  const raw = (isObject ? options : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const name = raw.name ?? HTTP_SERVER_DEFAULTS.name;
  const port = raw.port ?? HTTP_SERVER_DEFAULTS.port;
  const host = raw.host ?? HTTP_SERVER_DEFAULTS.host;

  if (!isObject) {
    problems.push(`options must be an object such as { handler: app }, got ${describeValue(options)}`);
  }
  checkKnownKeys(problems, raw, KNOWN_OPTIONS);
  const app = isFastifyApp(raw.handler) ? raw.handler : undefined;
  if (typeof raw.handler !== 'function' && !app) problems.push(handlerProblem(raw.handler));
  checkInteger(problems, 'port', port, { min: 0, max: 65_535, hint: '0 lets the OS choose' });
  if (typeof host !== 'string' || host === '') {
    problems.push(
      `host must be a non-empty address such as '0.0.0.0' or '127.0.0.1', got ${describeValue(host)}`,
    );
  }
  if (typeof name !== 'string' || name === '') {
    problems.push(
      `name must be a non-empty string such as 'api' (default 'http'), got ${describeValue(name)}`,
    );
  }
  if (raw.tls !== undefined && (typeof raw.tls !== 'object' || raw.tls === null)) {
    problems.push(
      `tls must be node:https server options such as { key, cert }, got ${describeValue(raw.tls)}`,
    );
  }
  const timeouts: Record<(typeof TIMEOUTS)[number], number> = {
    keepAliveTimeout: HTTP_SERVER_DEFAULTS.keepAliveTimeout,
    headersTimeout: HTTP_SERVER_DEFAULTS.headersTimeout,
    requestTimeout: HTTP_SERVER_DEFAULTS.requestTimeout,
    partialRequestGrace: HTTP_SERVER_DEFAULTS.partialRequestGrace,
  };
  for (const key of TIMEOUTS) {
    const value = raw[key] ?? HTTP_SERVER_DEFAULTS[key];
    if (checkDuration(problems, key, value, { zero: true })) timeouts[key] = value as number;
  }
  if (timeouts.requestTimeout > 0 && timeouts.headersTimeout > timeouts.requestTimeout) {
    problems.push(
      `headersTimeout (${timeouts.headersTimeout}) must not exceed requestTimeout (${timeouts.requestTimeout})`,
    );
  }
  if (raw.onUpgrade !== undefined && typeof raw.onUpgrade !== 'function') {
    problems.push(
      `onUpgrade must be a (req, socket, head) listener such as one calling ws's handleUpgrade, got ${describeValue(raw.onUpgrade)}`,
    );
  }
  if (raw.closeUpgraded !== undefined && typeof raw.closeUpgraded !== 'function') {
    problems.push(
      `closeUpgraded must be a (socket, request) function, got ${describeValue(raw.closeUpgraded)}`,
    );
  } else if (raw.closeUpgraded !== undefined && raw.onUpgrade === undefined) {
    problems.push('closeUpgraded needs onUpgrade: without it no connection is ever upgraded');
  }
  const health = resolveHealth(raw.health, problems);
  checkMetrics(raw.metrics, health, problems);

  if (problems.length > 0) {
    const subject = typeof name === 'string' && name !== '' ? `HttpServer "${name}"` : 'HttpServer';
    throw invalidOptions(HttpErrorCode.InvalidOptions, subject, problems);
  }
  return {
    handler: app ? routeThrough(app) : (raw.handler as HttpHandler),
    app,
    port: port as number,
    host: host as string,
    name: name as string,
    tls: raw.tls as TlsServerOptions | undefined,
    health,
    ...timeouts,
    onUpgrade: raw.onUpgrade as HttpUpgradeHandler | undefined,
    closeUpgraded: raw.closeUpgraded as CloseUpgradedHandler | undefined,
    metrics: raw.metrics as MetricsSource | undefined,
  };
}

/** A handler that is neither a listener nor a Fastify app; some apps need one call to become a listener. */
function handlerProblem(handler: unknown): string {
  const expected = `handler must be a (req, res) listener (a function, an Express app, Koa's app.callback()) or a Fastify instance, got ${describeValue(handler)}`;
  if (hasMethods(handler, ['callback', 'use'])) {
    return `${expected}: it looks like a Koa app; give its app.callback()`;
  }
  if (hasMethods(handler, ['fetch'])) {
    return `${expected}: it looks like a fetch-style app (Hono); give getRequestListener(app.fetch) from @hono/node-server`;
  }
  return expected;
}

/** Fastify's `routing` may rely on its `this`; this calls it as a method of the app. */
function routeThrough(app: FastifyApp): HttpHandler {
  return (req, res) => app.routing(req, res);
}

function checkMetrics(metrics: unknown, health: ProbePaths | false, problems: string[]): void {
  if (metrics === undefined) return;
  if (!hasMethods(metrics, ['collect'])) {
    problems.push(
      `metrics must be a MetricsSource, an object with collect(): Promise<{ contentType, body }> such as prometheusMetrics() of @kratos-ts/telemetry, got ${describeValue(metrics)}`,
    );
  }
  if (health && (health.livePath === METRICS_PATH || health.readyPath === METRICS_PATH)) {
    problems.push(
      `metrics are served on ${METRICS_PATH}, which a health path also is: move that probe to another path`,
    );
  }
}

function resolveHealth(health: unknown, problems: string[]): ProbePaths | false {
  if (health === false) return false;
  const defaults = { livePath: HTTP_SERVER_DEFAULTS.livePath, readyPath: HTTP_SERVER_DEFAULTS.readyPath };
  if (health === undefined) return defaults;
  if (typeof health !== 'object' || health === null) {
    problems.push(
      `health must be { livePath?, readyPath? }, or false to answer no probe, got ${describeValue(health)}`,
    );
    return defaults;
  }
  const given = health as Record<string, unknown>;
  const paths = {
    livePath: given.livePath ?? defaults.livePath,
    readyPath: given.readyPath ?? defaults.readyPath,
  };
  for (const [key, path] of Object.entries(paths)) {
    if (typeof path !== 'string' || !/^\/[^?#\s]*$/.test(path)) {
      problems.push(
        `health.${key} must be a path such as '/livez' (no query string), got ${describeValue(path)}`,
      );
    }
  }
  if (paths.livePath === paths.readyPath) {
    problems.push(
      `health.livePath and health.readyPath are both ${describeValue(paths.livePath)}: give each its own path`,
    );
  }
  return paths as ProbePaths;
}
