import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { HTTP_DURATION_BUCKETS } from './http-duration-buckets.js';

/** The metrics the HTTP client records. */
export interface HttpClientInstruments {
  /**
   * `http.client.request.duration` (s), one value per attempt (a retry is a request of its own, as
   * OpenTelemetry's conventions count resends): `http.request.method`, `server.address`,
   * `server.port`, and `http.response.status_code` or `error.type`.
   */
  readonly duration: Histogram;
  /** `kratos.client.retries`: attempts that were retried; `kratos.client` = `http`, `server.address` (the node that failed). */
  readonly retries: Counter;
}

/** Makes the client's instruments on `meter`. */
export function createHttpClientInstruments(meter: Meter): HttpClientInstruments {
  return {
    duration: meter.createHistogram('http.client.request.duration', {
      description: 'Duration of HTTP client requests.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] },
    }),
    retries: meter.createCounter('kratos.client.retries', {
      description: 'Client requests retried on another node.',
      unit: '{retry}',
    }),
  };
}
