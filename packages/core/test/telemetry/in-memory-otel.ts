import { metrics, trace } from '@opentelemetry/api';
import {
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A metric reader collected by hand: `collect()` observes the gauges at that instant. */
class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A real OpenTelemetry SDK kept in memory, registered as the global tracer and meter provider. */
export interface InMemoryOtel {
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** The one span named `name`; throws naming the spans there are when there is not exactly one. */
  span(name: string): ReadableSpan;
  /** Collects every metric now (observable gauges are observed at this instant). */
  collect(): Promise<MetricData[]>;
  /** Unregisters and shuts the providers down. */
  close(): Promise<void>;
}

/**
 * Registers an in-memory SDK globally (the API's global providers are disabled first, so each test
 * starts clean). `processor` adds a span processor of the test's own.
 */
export function registerInMemoryOtel(processor?: SpanProcessor): InMemoryOtel {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter), ...(processor ? [processor] : [])],
  });
  const reader = new ManualReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  trace.disable();
  metrics.disable();
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  return {
    spans,
    span(name) {
      const found = spans().filter((s) => s.name === name);
      if (found.length !== 1 || !found[0]) {
        throw new Error(`${found.length} spans "${name}" in ${JSON.stringify(spans().map((s) => s.name))}`);
      }
      return found[0];
    },
    async collect() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    },
    async close() {
      trace.disable();
      metrics.disable();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** The data points of the metric `name` (none when it was not collected). */
export function pointsOf(collected: readonly MetricData[], name: string): DataPoint<unknown>[] {
  return collected
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as DataPoint<unknown>[]);
}

/** `{ [attribute value]: point value }` of a metric's points, keyed by one attribute. */
export function valuesBy(
  collected: readonly MetricData[],
  name: string,
  attribute: string,
): Record<string, unknown> {
  return Object.fromEntries(
    pointsOf(collected, name).map((point) => [String(point.attributes[attribute]), point.value]),
  );
}

/** A histogram point's count and sum. */
export function histogram(point: DataPoint<unknown> | undefined): { count: number; sum: number } {
  const value = point?.value as Histogram | undefined;
  return { count: value?.count ?? 0, sum: value?.sum ?? 0 };
}

/** A span's duration in ms (exact in virtual time: the kernel's clock is the test's). */
export function durationMs(span: ReadableSpan): number {
  return span.duration[0] * 1000 + span.duration[1] / 1e6;
}
