import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * An in-memory span exporter that keeps its spans through the SDK's shutdown (OpenTelemetry's own
 * clears them then, and the shutdown is exactly what the tests look past).
 */
export class KeptSpans extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
