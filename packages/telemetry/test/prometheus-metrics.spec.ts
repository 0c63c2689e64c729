import { afterEach, describe, expect, it } from '@jest/globals';
import { metrics } from '@opentelemetry/api';
import { isKratosError } from '@kratos-ts/core';
import { KratosTelemetry, PROMETHEUS_CONTENT_TYPE, TelemetryErrorCode } from '@kratos-ts/telemetry';
import { appInfo } from './support/app.js';

async function collectError(telemetry: KratosTelemetry): Promise<{ code: string; message: string }> {
  try {
    await telemetry.metrics.collect();
  } catch (error) {
    if (isKratosError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('collect() did not fail');
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('KratosTelemetry.metrics (Prometheus text from the SDK meter provider)', () => {
  it("serves the meter provider's instruments with unit suffixes, and target_info with the application's identity", async () => {
    const telemetry = new KratosTelemetry({ export: false }).start({ app: appInfo() });
    try {
      const meter = metrics.getMeter('@kratos-ts/test');
      meter.createCounter('kratos.test.operations').add(3, { outcome: 'ok' });
      meter
        .createHistogram('http.server.request.duration', { unit: 's' })
        .record(0.02, { 'http.request.method': 'GET' });

      const scrape = await telemetry.metrics.collect();

      expect(scrape.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
      expect(scrape.body).toContain(
        'kratos_test_operations_total{outcome="ok",otel_scope_name="@kratos-ts/test"',
      );
      expect(scrape.body).toMatch(
        /^http_server_request_duration_seconds_count\{http_request_method="GET".*\} 1$/m,
      );
      expect(scrape.body).toMatch(
        /^target_info\{.*service_name="greeter",service_version="1.0.0",service_instance_id="instance-7f3a".*\} 1$/m,
      );
    } finally {
      await telemetry.shutdown();
    }
  });

  it('fails with KRATOS_TELEMETRY_NOT_RUNNING before start(), after shutdown() and with prometheus: false', async () => {
    const telemetry = new KratosTelemetry({ export: false });
    expect(await collectError(telemetry)).toEqual({
      code: TelemetryErrorCode.NotRunning,
      message:
        'KratosTelemetry.metrics cannot collect: the telemetry was not started: call start() before serving /metrics.',
    });
    telemetry.start({ app: appInfo() });
    await telemetry.shutdown();
    expect((await collectError(telemetry)).message).toContain('the OpenTelemetry SDK shut down');

    const without = new KratosTelemetry({ export: false, prometheus: false }).start({ app: appInfo() });
    try {
      expect((await collectError(without)).message).toContain('prometheus: false');
    } finally {
      await without.shutdown();
    }
  });

  it('with OTEL_SDK_DISABLED=true starts nothing, and says so at every scrape', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    const telemetry = new KratosTelemetry({ export: false }).start({ app: appInfo() });
    expect((await collectError(telemetry)).message).toContain('OTEL_SDK_DISABLED is true');
    expect(await telemetry.shutdown()).toEqual({ status: 'flushed', durationMs: 0 });
  });
});
