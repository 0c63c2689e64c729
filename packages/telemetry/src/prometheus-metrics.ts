import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { MetricsScrape, MetricsSource } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import { KratosError } from '@kratos-ts/core';
import { TelemetryErrorCode } from './telemetry-error-codes.js';
import { unitSuffixed } from './unit-suffixed.js';

/** The content type of Prometheus' text exposition format 0.0.4, which every Prometheus reads. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A `MetricsSource` backed by OpenTelemetry's `PrometheusExporter`, a metric reader registered on
 * the SDK's meter provider (the one the OTLP exporter reads too) with its own HTTP server never
 * started: each `collect()` is one collection of that reader, serialized as the exporter's own
 * server would (`target_info` with the resource, `_total` on counters), plus the unit suffix of
 * each name (`http_server_request_duration_seconds`), which that serializer leaves out.
 */
export class PrometheusMetrics implements MetricsSource {
  /** The reader to register on the meter provider. */
  readonly reader = new PrometheusExporter({ preventServerStart: true });
  // The exporter's defaults (no prefix, no timestamps, target_info and scope labels included).
  readonly #serializer = new PrometheusSerializer();
  #why: string | undefined = 'the telemetry was not started: call start() before serving /metrics';

  /** Marks the reader as registered (`undefined`) or says why it cannot be read. */
  setUnavailable(why: string | undefined): void {
    this.#why = why;
  }

  /** One collection of every instrument's current value, in the Prometheus text format. */
  async collect(): Promise<MetricsScrape> {
    if (this.#why !== undefined) throw notRunning(this.#why);
    let collected: Awaited<ReturnType<PrometheusExporter['collect']>>;
    try {
      collected = await this.reader.collect();
    } catch (error) {
      // The reader refuses once the meter provider shut down (after the last server stopped).
      throw notRunning(`the metric reader failed: ${describeError(error)}`, error);
    }
    // The host detector's host.id settles asynchronously: read before it, target_info would lack it.
    await collected.resourceMetrics.resource.waitForAsyncAttributes?.();
    return {
      contentType: PROMETHEUS_CONTENT_TYPE,
      body: this.#serializer.serialize(unitSuffixed(collected.resourceMetrics)),
    };
  }
}

function notRunning(why: string, cause?: unknown): KratosError {
  return new KratosError(
    TelemetryErrorCode.NotRunning,
    `KratosTelemetry.metrics cannot collect: ${why}.`,
    cause === undefined ? {} : { cause },
  );
}
