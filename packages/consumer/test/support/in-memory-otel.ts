import { context, metrics, propagation, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  DataPointType,
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
} from '@opentelemetry/sdk-trace-base';

/** A reader that collects when asked: the test reads the metrics at the instant it wants. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One data point of a metric, flattened for assertions. */
export interface Point {
  readonly attributes: Attributes;
  /** A sum's or gauge's value; a histogram's count. */
  readonly value: number;
  /** A histogram's sum (its total), else `value`. */
  readonly sum: number;
}

/**
 * A real OpenTelemetry SDK kept in memory, registered globally (tracer provider, meter provider,
 * W3C propagator, AsyncLocalStorage context manager) as an app's SDK would be; `dispose()`
 * unregisters all of it. Spans are exported as each ends.
 */
export class InMemoryOtel {
  readonly spanExporter = new InMemorySpanExporter();
  readonly #reader = new OnDemandReader();
  readonly #tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(this.spanExporter)],
  });
  readonly #meterProvider = new MeterProvider({ readers: [this.#reader] });

  /** Registers everything globally. */
  static register(): InMemoryOtel {
    const otel = new InMemoryOtel();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(otel.#tracerProvider);
    metrics.setGlobalMeterProvider(otel.#meterProvider);
    return otel;
  }

  /** The ended spans so far. */
  spans(): ReadableSpan[] {
    return this.spanExporter.getFinishedSpans();
  }

  /** The one ended span named `name`; throws unless exactly one. */
  span(name: string): ReadableSpan {
    const found = this.spans().filter((span) => span.name === name);
    if (found.length !== 1) {
      throw new Error(
        `expected one span "${name}", found ${found.length} among [${this.spans()
          .map((span) => span.name)
          .join(', ')}]`,
      );
    }
    return found[0]!;
  }

  /** The points of the metric named `name` now (none when it was never recorded). */
  async points(name: string): Promise<Point[]> {
    const { resourceMetrics, errors } = await this.#reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
    const metric: MetricData | undefined = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((each) => each.descriptor.name === name);
    if (metric === undefined) return [];
    return (metric.dataPoints as DataPoint<number | Histogram>[]).map((point) => {
      if (metric.dataPointType === DataPointType.HISTOGRAM) {
        const histogram = point.value as Histogram;
        return { attributes: point.attributes, value: histogram.count, sum: histogram.sum ?? 0 };
      }
      const value = point.value as number;
      return { attributes: point.attributes, value, sum: value };
    });
  }

  /** The unit the metric named `name` was declared with. */
  async unit(name: string): Promise<string | undefined> {
    const { resourceMetrics } = await this.#reader.collect();
    return resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((each) => each.descriptor.name === name)?.descriptor.unit;
  }

  /** The instrumentation scope the metric named `name` was recorded under. */
  async scopeOf(name: string): Promise<string | undefined> {
    const { resourceMetrics } = await this.#reader.collect();
    return resourceMetrics.scopeMetrics.find((scope) =>
      scope.metrics.some((each) => each.descriptor.name === name),
    )?.scope.name;
  }

  /** Unregisters everything and shuts the providers down. */
  async dispose(): Promise<void> {
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
    await this.#tracerProvider.shutdown();
    await this.#meterProvider.shutdown();
  }
}
