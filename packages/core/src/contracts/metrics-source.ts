/** One scrape's answer: the text a metrics endpoint serves and its content type. */
export interface MetricsScrape {
  /** E.g. `text/plain; version=0.0.4; charset=utf-8` for the Prometheus text exposition. */
  readonly contentType: string;
  /** The text served as it is: the exposition of every metric, in `contentType`'s format. */
  readonly body: string;
}

/**
 * Where a server's metrics endpoint (`HttpServer`'s `metrics` option, `GET /metrics`) gets its
 * text: `prometheusMetrics()` of `@kratos-ts/telemetry` reads the process's OpenTelemetry meter
 * provider. Defined here so that a server can serve metrics without depending on an SDK.
 *
 * @example
 * new HttpServer({ port: 8000, handler, metrics: telemetry.metrics });
 */
export interface MetricsSource {
  /** Collects the current values; called once per scrape, during a drain too. */
  collect(): Promise<MetricsScrape>;
}
