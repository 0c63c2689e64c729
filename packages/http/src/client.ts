// The public surface of @kratos-ts/http/client: the discovery-driven HTTP client, on its own entry
// point so that a service that only serves (`@kratos-ts/http`) loads neither undici nor
// @kratos-ts/discovery. Named exports only; types as `export type`.

export { createHttpClient } from './client/create-http-client.js';
export { HttpClientErrorCode } from './client/http-client-error-codes.js';
export { HttpClientWarningCode } from './client/http-client-warning-codes.js';
export {
  HTTP_CLIENT_DEFAULTS,
  type HttpClientOptions,
  type HttpRetryOptions,
} from './client/http-client-options.js';
export type {
  HttpClient,
  HttpRequestOptions,
  HttpResponse,
  HttpStreamResponse,
} from './client/http-client.js';
