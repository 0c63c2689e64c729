import { describe, expect, it } from '@jest/globals';
import { readConfig } from '../src/config.js';

describe('readConfig', () => {
  it.each([
    [{}, true],
    [{ NODE_ENV: 'development' }, true],
    [{ NODE_ENV: 'production' }, false],
    [{ NODE_ENV: 'production', GRPC_REFLECTION: 'on' }, true],
    [{ GRPC_REFLECTION: 'off' }, false],
  ])('serves gRPC reflection outside production only, unless GRPC_REFLECTION says: %j → %s', (env, on) => {
    expect(readConfig(env).grpcReflection).toBe(on);
  });

  it('refuses a GRPC_REFLECTION that is not on or off, naming it', () => {
    expect(() => readConfig({ GRPC_REFLECTION: 'yes' })).toThrow(
      'GRPC_REFLECTION=yes must be on or off (unset: on unless NODE_ENV=production)',
    );
  });

  it('bounds each closing step by CLOSE_TIMEOUT_MS, 5000 by default', () => {
    expect(readConfig({}).closeTimeout).toBe(5_000);
    expect(readConfig({ CLOSE_TIMEOUT_MS: '250' }).closeTimeout).toBe(250);
    expect(() => readConfig({ CLOSE_TIMEOUT_MS: '-1' })).toThrow(
      'CLOSE_TIMEOUT_MS=-1 must be a whole number >= 0',
    );
  });

  it('consumes only when AMQP_URL or NATS_URL is set', () => {
    expect(readConfig({})).toMatchObject({ amqpUrl: undefined, natsUrl: undefined });
    expect(
      readConfig({ AMQP_URL: 'amqp://127.0.0.1:5672', NATS_URL: 'nats://127.0.0.1:4222' }),
    ).toMatchObject({
      amqpUrl: 'amqp://127.0.0.1:5672',
      natsUrl: 'nats://127.0.0.1:4222',
    });
  });

  it.each([
    [undefined, { min: 0, max: 0 }],
    ['50', { min: 50, max: 50 }],
    ['5-100', { min: 5, max: 100 }],
    ['0-0', { min: 0, max: 0 }],
  ])('reads GREET_HANDLER_MS=%s as a fixed wait or a range', (raw, range) => {
    expect(readConfig(raw === undefined ? {} : { GREET_HANDLER_MS: raw }).greetHandlerMs).toEqual(range);
  });

  it.each([['100-5'], ['fast'], ['-5'], ['5-'], ['1.5']])(
    'refuses GREET_HANDLER_MS=%s, naming the variable and both forms',
    (raw) => {
      expect(() => readConfig({ GREET_HANDLER_MS: raw })).toThrow(
        new RegExp(`^GREET_HANDLER_MS=${raw.replace('.', '\\.')} must be `),
      );
      expect(() => readConfig({ GREET_HANDLER_MS: raw })).toThrow(/5-100/);
    },
  );

  it('loads the OpenTelemetry SDK only when OTEL_EXPORTER_OTLP_ENDPOINT (or a per-signal one) or METRICS=1 asks for it', () => {
    expect(readConfig({})).toMatchObject({ otlpExport: false, metrics: false });
    expect(readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).otlpExport).toBe(true);
    expect(
      readConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }).otlpExport,
    ).toBe(true);
    expect(readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).otlpExport).toBe(false);
    expect(readConfig({ METRICS: '1' }).metrics).toBe(true);
    expect(readConfig({ METRICS: '0' }).metrics).toBe(false);
    expect(() => readConfig({ METRICS: 'yes' })).toThrow('METRICS=yes must be 1 (on) or 0 (off)');
  });
});
