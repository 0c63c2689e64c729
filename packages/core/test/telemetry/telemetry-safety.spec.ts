import { describe, expect, it } from '@jest/globals';
import { metrics, trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fakeHook, fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import { KratosWarningCode } from '../../src/index.js';
import { lifecycleInstruments } from '../../src/telemetry/lifecycle-instruments.js';
import { registerInMemoryOtel, valuesBy } from './in-memory-otel.js';

const run = () =>
  virtualKernel({
    options: { name: 'test', drainDelay: 10 },
    servers: [fakeServer({ name: 'http', start: 5, stop: 5 })],
    registrars: [recordingRegistrar({ name: 'etcd', deregister: new Error('lease lost') })],
    hooks: [fakeHook('beforeStop', 'flush', new Error('disk full'))],
  });

describe('lifecycle telemetry never disturbs the lifecycle', () => {
  it('without an SDK: the run goes as before, nothing is measured and nothing about telemetry is logged', async () => {
    trace.disable();
    metrics.disable();
    const vk = run();
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error.message).toContain('disk full');
    expect(vk.kernel.state).toBe('failed');
    expect(lifecycleInstruments()).toBeUndefined();
    expect(vk.logs.filter((line) => /telemetry/i.test(line.msg))).toEqual([]);
  });

  it('a span processor that throws: the run still ends as it would, the first failure is logged at warn, the others at debug', async () => {
    const throwing: SpanProcessor = {
      onStart: () => undefined,
      onEnd: () => {
        throw new Error('exporter exploded');
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const otel = registerInMemoryOtel(throwing);
    try {
      const vk = virtualKernel({
        options: { name: 'test', drainDelay: 10 },
        servers: [fakeServer({ name: 'http', start: 5, stop: 5 })],
      });
      await expect(vk.run(() => vk.signalAt(100))).resolves.toEqual({ ok: true });
      const lines = vk.logs.filter((line) => line.msg.startsWith('Lifecycle telemetry failed'));
      // One per span ended: start http, kratos.start, drain, stop http, kratos.stop.
      expect(lines.map((line) => line.level)).toEqual(['warn', 'debug', 'debug', 'debug', 'debug']);
      expect(lines[0]?.msg).toContain('exporter exploded');
      expect(lines.map((line) => (line.fields as { code?: string }).code)).toEqual(
        Array(5).fill(KratosWarningCode.TelemetryFailed),
      );
      expect(lines[0]?.msg).toContain('The lifecycle goes on');
      // The metrics did not pay for the spans' failures.
      const phases = valuesBy(await otel.collect(), 'kratos.lifecycle.phase.duration', 'phase');
      expect(Object.keys(phases).sort()).toEqual(['drain', 'server.start', 'server.stop', 'start', 'stop']);
    } finally {
      await otel.close();
    }
  });
});
