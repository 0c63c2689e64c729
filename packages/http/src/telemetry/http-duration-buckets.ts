/**
 * The bucket boundaries (seconds) OpenTelemetry's HTTP conventions advise for
 * `http.server.request.duration` and `http.client.request.duration`; an SDK view may override them.
 */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);
