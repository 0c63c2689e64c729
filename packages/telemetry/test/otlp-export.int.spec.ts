import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { metrics, SpanKind, trace } from '@opentelemetry/api';
import { KratosTelemetry } from '@kratos-ts/telemetry';
import { startOtlpReceiver, type OtlpReceiver } from '../../example/test/support/otlp-receiver.js';
import { appInfo } from './support/app.js';

// The standard OTEL_* variables drive the export, as with the SDK alone: endpoint and protocol
// (http/json and http/protobuf), to a real OTLP/HTTP receiver on loopback. Nothing is exported
// before the shutdown here (the batch delay and the metric interval are long): the shutdown flushes.

const saved = { ...process.env };
let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  process.env = { ...saved };
  await receiver.close();
});

describe('OTLP export configured by OTEL_* variables', () => {
  it.each([
    { protocol: 'http/json', contentType: 'application/json' },
    { protocol: 'http/protobuf', contentType: 'application/x-protobuf' },
  ])(
    'OTEL_EXPORTER_OTLP_PROTOCOL=$protocol: spans and metrics reach OTEL_EXPORTER_OTLP_ENDPOINT at shutdown, with the application as resource',
    async ({ protocol, contentType }) => {
      Object.assign(process.env, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
        OTEL_LOGS_EXPORTER: 'none',
      });
      const telemetry = new KratosTelemetry().start({ app: appInfo() });
      trace.getTracer('@kratos-ts/test').startSpan('GET /hello', { kind: SpanKind.SERVER }).end();
      metrics.getMeter('@kratos-ts/test').createCounter('kratos.test.requests').add(2);
      expect(receiver.spans).toEqual([]);

      expect(await telemetry.shutdown()).toMatchObject({ status: 'flushed' });

      expect([...receiver.contentTypes]).toEqual([contentType]);
      expect(receiver.spans).toEqual([
        expect.objectContaining({
          name: 'GET /hello',
          kind: 2,
          scope: '@kratos-ts/test',
          resource: expect.objectContaining({
            'service.name': 'greeter',
            'service.version': '1.0.0',
            'service.instance.id': 'instance-7f3a',
            region: 'eu-west-1',
          }) as unknown,
        }),
      ]);
      expect(receiver.metrics).toContainEqual(
        expect.objectContaining({
          name: 'kratos.test.requests',
          resource: expect.objectContaining({ 'service.instance.id': 'instance-7f3a' }) as unknown,
        }),
      );
    },
  );

  it('OTEL_TRACES_SAMPLER=always_off: no span is recorded nor sent; metrics still are', async () => {
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_off',
      OTEL_LOGS_EXPORTER: 'none',
    });
    const telemetry = new KratosTelemetry().start({ app: appInfo() });
    const span = trace.getTracer('@kratos-ts/test').startSpan('GET /hello');
    expect(span.isRecording()).toBe(false);
    span.end();
    metrics.getMeter('@kratos-ts/test').createCounter('kratos.test.requests').add(1);
    await telemetry.shutdown();
    expect(receiver.spans).toEqual([]);
    expect(receiver.metrics.map((metric) => metric.name)).toContain('kratos.test.requests');
  });
});
