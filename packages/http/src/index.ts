// The public surface of @kratos-ts/http. Named exports only; types as `export type`.

export { HttpServer } from './http-server.js';
export { IDLE_CLOSE_GRACE_MS } from './drain-server.js';
export {
  HTTP_SERVER_DEFAULTS,
  type CloseUpgradedHandler,
  type HealthOptions,
  type HttpHandler,
  type HttpServerOptions,
  type HttpUpgradeHandler,
} from './http-server-options.js';
export type { FastifyApp } from './fastify-app.js';
export { HttpErrorCode } from './http-error-codes.js';
export { HttpWarningCode } from './http-warning-codes.js';
export type { ServerPhase } from './server-phase.js';
// The HTTP client is on its own entry point, @kratos-ts/http/client (src/client.ts): a service that
// only serves must not load undici nor @kratos-ts/discovery.
