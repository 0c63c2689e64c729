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
export { HttpErrorCode } from './http-error-codes.js';
export type { ServerPhase } from './server-phase.js';
export { createHttpClient } from './client/create-http-client.js';
export { HttpClientErrorCode } from './client/http-client-error-codes.js';
export {
  HTTP_CLIENT_DEFAULTS,
  type HttpClientOptions,
  type HttpRetryOptions,
} from './client/http-client-options.js';
export type { HttpClient, HttpRequestOptions, HttpResponse } from './client/http-client.js';
