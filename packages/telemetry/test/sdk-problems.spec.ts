import { afterEach, describe, expect, it } from '@jest/globals';
import { KratosTelemetry, TelemetryWarningCode } from '@kratos-ts/telemetry';
import { recordingLogger } from '@kratos-ts/testing';
import { appInfo } from './support/app.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("the SDK's own warnings", () => {
  it('reach the logger at warn level with KRATOS_TELEMETRY_SDK_PROBLEM (an unsupported OTEL_* value)', async () => {
    process.env.OTEL_METRICS_EXPORTER = 'otlp,statsd';
    process.env.OTEL_TRACES_EXPORTER = 'none';
    const logger = recordingLogger();
    const telemetry = new KratosTelemetry({ logger }).start({ app: appInfo() });
    await telemetry.shutdown();
    const problems = logger.records.filter(
      (record) => (record.fields as { code?: string } | undefined)?.code === TelemetryWarningCode.SdkProblem,
    );
    expect(problems.map((record) => [record.level, record.msg])).toContainEqual([
      'warn',
      expect.stringContaining('Unsupported OTEL_METRICS_EXPORTER value: "statsd"'),
    ]);
  });

  it('are left to the SDK when OTEL_LOG_LEVEL is set (it prints them itself)', async () => {
    process.env.OTEL_LOG_LEVEL = 'none';
    process.env.OTEL_METRICS_EXPORTER = 'statsd';
    process.env.OTEL_TRACES_EXPORTER = 'none';
    const logger = recordingLogger();
    const telemetry = new KratosTelemetry({ logger }).start({ app: appInfo() });
    await telemetry.shutdown();
    expect(logger.messages('warn')).toEqual([]);
  });
});
