import { describe, expect, it } from '@jest/globals';
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { KratosTelemetry } from '@kratos-ts/telemetry';
import { fakeServer, virtualKernel, type VirtualKernel } from '@kratos-ts/testing';
import { KeptSpans } from '../support/kept-spans.js';

// The defect (opentelemetry-js-contrib#2383, temporalio/sdk-typescript#1995): OpenTelemetry JS
// exports nothing of a process's last moments unless the SDK's shutdown runs before the exit, and
// runs after them. Here the shutdown is the stop's last step: after every server stopped and every
// afterStop hook ran, once the kernel completed; a batch processor that would export in an hour
// and a metric reader that would export in an hour both hand everything over then.

const HOUR = 3_600_000;

/** Writes `onEnd <span>` and `telemetry shutdown` to the virtual kernel's timeline. */
function timelineProcessor(vk: VirtualKernel, onShutdown: () => void): SpanProcessor {
  return {
    onStart: () => undefined,
    onEnd: (span: ReadableSpan) => vk.mark(`onEnd ${span.name}`),
    forceFlush: async () => undefined,
    shutdown: async () => {
      vk.mark('telemetry shutdown');
      onShutdown();
    },
  };
}

describe('regression: the spans and metrics of the last moments are lost at exit', () => {
  it('flushes as the last step of the stop: after the servers stopped, every afterStop hook ran and the kernel completed', async () => {
    const spans = new KeptSpans();
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    let shutDown!: () => void;
    const shutdownCalled = new Promise<void>((resolve) => (shutDown = resolve));
    const counted = () => metrics.getMeter('test').createCounter('app.last.words').add(1);
    const vk = virtualKernel({
      options: {
        name: 'greeter',
        afterStop: [
          async () => {
            trace.getTracer('test').startSpan('afterStop first').end();
            counted();
          },
          async () => trace.getTracer('test').startSpan('afterStop last').end(),
        ],
      },
      servers: [fakeServer({ name: 'api', stop: 50 })],
    });
    const telemetry = new KratosTelemetry({
      export: false,
      prometheus: false,
      spanProcessors: [
        timelineProcessor(vk, () => shutDown()),
        new BatchSpanProcessor(spans, { scheduledDelayMillis: HOUR, maxExportBatchSize: 512 }),
      ],
      metricReaders: [
        new PeriodicExportingMetricReader({
          exporter: metricExporter,
          exportIntervalMillis: HOUR,
          exportTimeoutMillis: 1_000,
        }),
      ],
      scheduler: vk.scheduler,
    }).start(vk.kernel);
    vk.kernel.state$.subscribe({ complete: () => vk.mark('kernel completed') });

    expect(await vk.run(() => vk.signalAt(100))).toEqual({ ok: true });
    // Nobody calls shutdown(): the kernel's completion does. Bounded by turns of the event loop
    // (the flush's own promises), not by a real timer.
    let shutdownSeen = false;
    void shutdownCalled.then(() => (shutdownSeen = true));
    for (let turn = 0; turn < 1_000 && !shutdownSeen; turn++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(
      shutdownSeen ? 'the SDK was shut down after the stop' : 'the SDK was not shut down after the stop',
    ).toBe('the SDK was shut down after the stop');
    expect(await telemetry.shutdown()).toMatchObject({ status: 'flushed' });

    const lines = vk.timeline.map((line) => line.slice(line.indexOf(' ') + 1));
    const order = lines.filter((line) =>
      /^(api stop resolved|onEnd afterStop (first|last)|state stopped|kernel completed|telemetry shutdown)/.test(
        line,
      ),
    );
    expect(order).toEqual([
      'api stop resolved',
      'onEnd afterStop first',
      'onEnd afterStop last',
      'state stopped',
      'kernel completed',
      'telemetry shutdown',
    ]);
    // Nothing ends after the flush: the lifecycle's own spans (the stop's) ended before it too.
    expect(lines.at(-1)).toBe('telemetry shutdown');
    expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(
      expect.arrayContaining(['afterStop first', 'afterStop last']),
    );
    const exported = metricExporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
      .map((metric) => metric.descriptor.name);
    expect(exported).toContain('app.last.words');
  });
});
