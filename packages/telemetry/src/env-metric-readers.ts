import { diag } from '@opentelemetry/api';
import { getStringListFromEnv } from '@opentelemetry/core';
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type IMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  getOtlpMetricExporterFromEnv,
  getPeriodicExportingMetricReaderFromEnv,
} from '@opentelemetry/sdk-node/build/src/utils.js';

/**
 * The metric readers `OTEL_METRICS_EXPORTER` asks for (default `otlp`), made by the Node SDK's own
 * helpers so that every `OTEL_EXPORTER_OTLP_*` and `OTEL_METRIC_EXPORT_*` variable means what it
 * means to the SDK. The SDK makes them itself only when given no reader; ours adds the Prometheus
 * one, hence this. `prometheus` in the list is left to `KratosTelemetry.metrics` (served on the
 * application's own HTTP port, not on a port 9464 of the exporter's own).
 */
export function envMetricReaders(): IMetricReader[] {
  const names = [...new Set(getStringListFromEnv('OTEL_METRICS_EXPORTER') ?? [])];
  if (names.length === 0) names.push('otlp');
  if (names.includes('none')) return [];
  const readers: IMetricReader[] = [];
  for (const name of names) {
    if (name === 'otlp')
      readers.push(getPeriodicExportingMetricReaderFromEnv(getOtlpMetricExporterFromEnv()));
    else if (name === 'console')
      readers.push(new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter() }));
    else if (name !== 'prometheus')
      diag.warn(
        `Unsupported OTEL_METRICS_EXPORTER value: "${name}". Supported values are: otlp, console, prometheus (served by KratosTelemetry.metrics), none.`,
      );
  }
  return readers;
}
