import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, metrics, propagation, trace, type Attributes } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A metric reader that collects only when asked. */
class ManualMetricReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** One data point of a histogram: its attributes, count and sum. */
export interface HistogramPoint {
  readonly attributes: Attributes;
  readonly count: number;
  readonly sum: number;
}

/** One data point of a sum (counter, up-down counter). */
export interface SumPoint {
  readonly attributes: Attributes;
  readonly value: number;
}

/** A real OpenTelemetry SDK registered globally, exporting to memory; `uninstall()` unregisters it. */
export interface InMemoryTelemetry {
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** The points of histogram `name` now. */
  histogram(name: string): Promise<HistogramPoint[]>;
  /** The points of counter or up-down counter `name` now. */
  sum(name: string): Promise<SumPoint[]>;
  uninstall(): Promise<void>;
}

/**
 * Registers a tracer provider (every span sampled, exported at its end to memory), an
 * AsyncLocalStorage context manager, the W3C trace-context propagator and a meter provider read
 * on demand: what an application's SDK does, so that the code under test runs as in production.
 */
export function installInMemoryTelemetry(): InMemoryTelemetry {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new ManualMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  const metric = async (name: string): Promise<MetricData | undefined> => {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      const found = scope.metrics.find((data) => data.descriptor.name === name);
      if (found) return found;
    }
    return undefined;
  };
  return {
    spans: () => exporter.getFinishedSpans(),
    async histogram(name) {
      const data = await metric(name);
      if (!data) return [];
      if (data.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
      return data.dataPoints.map((point) => ({
        attributes: point.attributes,
        count: point.value.count,
        sum: point.value.sum ?? 0,
      }));
    },
    async sum(name) {
      const data = await metric(name);
      if (!data) return [];
      if (data.dataPointType !== DataPointType.SUM) throw new Error(`${name} is not a sum`);
      return data.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value }));
    },
    async uninstall() {
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
