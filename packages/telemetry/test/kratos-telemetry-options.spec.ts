import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { KratosTelemetry, TelemetryErrorCode } from '@kratos-ts/telemetry';
import { appInfo } from './support/app.js';

function thrown(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isKratosError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('it did not throw');
}

describe('KratosTelemetry options', () => {
  it('refuses bad options with KRATOS_TELEMETRY_INVALID_OPTIONS, naming every culprit and how to fix it', () => {
    const error = thrown(
      () =>
        new KratosTelemetry({
          shutdownTimeout: 0,
          export: 'yes',
          logger: {},
          spanProcessors: [{}],
          shutdownTimout: 5,
        } as never),
    );
    expect(error.code).toBe(TelemetryErrorCode.InvalidOptions);
    expect(error.message).toContain('KratosTelemetry has invalid options:');
    expect(error.message).toContain('unknown option "shutdownTimout"');
    expect(error.message).toContain('did you mean "shutdownTimeout"?');
    expect(error.message).toContain(
      'shutdownTimeout must be a finite number of milliseconds > 0 and <= 2147483647, got 0: leave it out for the default (2000)',
    );
    expect(error.message).toContain('export must be true or false, got "yes"');
    expect(error.message).toContain('logger must be a Logger');
    expect(error.message).toContain('spanProcessors[0] must be a SpanProcessor');
  });

  it('refuses options that are not an object', () => {
    expect(thrown(() => new KratosTelemetry(null as never)).message).toContain(
      'the options must be an object such as { shutdownTimeout: 2000 }, got null',
    );
  });

  it('refuses start() without an AppInfo that has an id, with KRATOS_TELEMETRY_INVALID_START', () => {
    const telemetry = new KratosTelemetry({ export: false });
    const error = thrown(() => telemetry.start({ app: appInfo({ id: '' }) }));
    expect(error).toEqual({
      code: TelemetryErrorCode.InvalidStart,
      message: expect.stringContaining('pass the LifecycleKernel') as unknown as string,
    });
    expect(thrown(() => telemetry.start(undefined as never)).code).toBe(TelemetryErrorCode.InvalidStart);
  });

  it('refuses a second start(), and a start() after shutdown()', async () => {
    const twice = new KratosTelemetry({ export: false, prometheus: false });
    twice.start({ app: appInfo() });
    try {
      expect(thrown(() => twice.start({ app: appInfo() }))).toEqual({
        code: TelemetryErrorCode.InvalidStart,
        message:
          'KratosTelemetry.start() was called a second time: one KratosTelemetry starts one SDK, once.',
      });
    } finally {
      await twice.shutdown();
    }
    const late = new KratosTelemetry({ export: false });
    expect(await late.shutdown()).toEqual({ status: 'flushed', durationMs: 0 });
    expect(thrown(() => late.start({ app: appInfo() })).message).toContain('after shutdown()');
  });
});
