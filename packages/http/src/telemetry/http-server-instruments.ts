import type { Histogram, Meter, ObservableCallback, ObservableUpDownCounter } from '@opentelemetry/api';
import { HTTP_DURATION_BUCKETS } from './http-duration-buckets.js';

/** The metrics `HttpServer` records; names and attributes follow OpenTelemetry's HTTP conventions. */
export interface HttpServerInstruments {
  /**
   * `http.server.request.duration` (s): `http.request.method`, `http.response.status_code`,
   * `http.route` (when the app's router knows it), `url.scheme`, `kratos.server`, `error.type`
   * (only for a failure).
   */
  readonly duration: Histogram;
  /**
   * `http.server.active_requests`: in flight per server; `http.request.method`, `url.scheme`,
   * `kratos.server`. Observed at each collection from the server's own count, rather than added
   * to twice per request: an SDK hashes the attributes of every measurement, the costliest part of
   * recording one.
   */
  readonly active: ObservableUpDownCounter;
}

/** Makes the server's instruments on `meter`; `observeActive` reports the requests in flight. */
export function createHttpServerInstruments(
  meter: Meter,
  observeActive: ObservableCallback,
): HttpServerInstruments {
  const active = meter.createObservableUpDownCounter('http.server.active_requests', {
    description: 'Number of active HTTP server requests.',
    unit: '{request}',
  });
  active.addCallback(observeActive);
  return {
    duration: meter.createHistogram('http.server.request.duration', {
      description: 'Duration of HTTP server requests.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] },
    }),
    active,
  };
}
