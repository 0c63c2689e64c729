import { describe, expect, it } from '@jest/globals';
import { metrics } from '@opentelemetry/api';
import { KratosTelemetry } from '@kratos-ts/telemetry';
import { appInfo } from '../support/app.js';

// The defect: OpenTelemetry JS's Prometheus serializer (exporter-prometheus 0.223) writes a
// histogram in seconds as `http_server_request_duration` (the unit only on a `# UNIT` line), where
// every dashboard, alert and PromQL written against OpenTelemetry's conventions reads
// `http_server_request_duration_seconds`. KratosTelemetry.metrics suffixes the unit.

describe('regression: the Prometheus names lack their unit suffix', () => {
  it('names metrics as Prometheus tools expect them: unit suffix, then _total on counters; none for {annotations} and 1', async () => {
    const telemetry = new KratosTelemetry({ export: false }).start({ app: appInfo() });
    try {
      const meter = metrics.getMeter('@kratos-ts/test');
      meter.createHistogram('http.server.request.duration', { unit: 's' }).record(0.01);
      meter.createHistogram('rpc.server.duration', { unit: 'ms' }).record(3);
      meter.createUpDownCounter('http.server.active_requests', { unit: '{request}' }).add(1);
      meter.createCounter('kratos.client.retries', { unit: '{retry}' }).add(1);
      meter.createCounter('app.bytes.sent', { unit: 'By' }).add(10);
      meter.createHistogram('app.flow', { unit: 'm/s' }).record(1);
      meter
        .createObservableGauge('kratos.lifecycle.ready', { unit: '1' })
        .addCallback((result) => result.observe(1));
      meter
        .createObservableGauge('kratos.lifecycle.state')
        .addCallback((result) => result.observe(1, { state: 'running' }));
      meter.createHistogram('app.wait_seconds', { unit: 's' }).record(1);

      const names = new Set(
        (await telemetry.metrics.collect()).body
          .split('\n')
          .filter((line) => line.startsWith('# TYPE '))
          .map((line) => line.split(' ')[2]),
      );

      expect([...names].sort()).toEqual([
        'app_bytes_sent_bytes_total',
        'app_flow_meters_per_second',
        'app_wait_seconds',
        'http_server_active_requests',
        'http_server_request_duration_seconds',
        'kratos_client_retries_total',
        'kratos_lifecycle_ready',
        'kratos_lifecycle_state',
        'rpc_server_duration_milliseconds',
        'target_info',
      ]);
    } finally {
      await telemetry.shutdown();
    }
  });
});
