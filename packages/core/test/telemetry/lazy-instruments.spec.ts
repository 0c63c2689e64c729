import { afterEach, describe, expect, it } from '@jest/globals';
import { metrics, trace, type Meter } from '@opentelemetry/api';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';
import { kratosTracer, lazyInstruments } from '../../src/internal.js';
import { lifecycleInstruments } from '../../src/telemetry/lifecycle-instruments.js';
import { pointsOf, registerInMemoryOtel, valuesBy, type InMemoryOtel } from './in-memory-otel.js';

const opened: InMemoryOtel[] = [];
const register = (): InMemoryOtel => {
  const otel = registerInMemoryOtel();
  opened.push(otel);
  return otel;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((otel) => otel.close()));
});

const noSdk = (): void => {
  trace.disable();
  metrics.disable();
};

describe('lazyInstruments', () => {
  it('gives undefined while no SDK is registered, without making anything', () => {
    noSdk();
    const made: Meter[] = [];
    const instruments = lazyInstruments('@kratos-ts/test', (meter) => made.push(meter));
    expect(instruments()).toBeUndefined();
    expect(instruments()).toBeUndefined();
    expect(made).toHaveLength(0);
  });

  it('makes the instruments once per meter provider: taken before the SDK registered, they record once it is', async () => {
    noSdk();
    let made = 0;
    const instruments = lazyInstruments('@kratos-ts/test', (meter) => {
      made += 1;
      return { hits: meter.createCounter('test.hits') };
    });
    expect(instruments()).toBeUndefined();

    const first = register();
    instruments()?.hits.add(1, { n: 'first' });
    instruments()?.hits.add(1, { n: 'first' });
    expect(made).toBe(1);
    expect(valuesBy(await first.collect(), 'test.hits', 'n')).toEqual({ first: 2 });

    // A provider that replaced it (tests do this) gets instruments of its own.
    const second = register();
    instruments()?.hits.add(1, { n: 'second' });
    expect(made).toBe(2);
    expect(valuesBy(await second.collect(), 'test.hits', 'n')).toEqual({ second: 1 });
  });

  it('tries create again at the next call when it threw', () => {
    register();
    let calls = 0;
    const instruments = lazyInstruments('@kratos-ts/test', () => {
      calls += 1;
      if (calls === 1) throw new Error('first call fails');
      return 'made';
    });
    expect(() => instruments()).toThrow('first call fails');
    expect(instruments()).toBe('made');
  });
});

describe('kratosTracer', () => {
  it('taken before any SDK, records to the one registered later, and to the next one after trace.disable()', () => {
    noSdk();
    const tracer = kratosTracer('@kratos-ts/test');
    expect(tracer.startSpan('before').isRecording()).toBe(false);

    const first = register();
    tracer.startSpan('one').end();
    expect(first.spans().map((span) => [span.name, span.instrumentationScope])).toEqual([
      ['one', { name: '@kratos-ts/test', version: '0.1.0', schemaUrl: undefined }],
    ]);

    const second = register();
    tracer.startSpan('two').end();
    expect(second.spans().map((span) => span.name)).toEqual(['two']);
  });
});

describe('the kernel and a late SDK', () => {
  it('an SDK registered after the kernel was built, before run(), gets its spans and metrics', async () => {
    noSdk();
    // The kernel's instruments were asked for with no SDK (memoized: none).
    await virtualKernel({ servers: [fakeServer({ name: 'http' })] }).run((vk) => vk.signalAt(5));
    expect(lifecycleInstruments()).toBeUndefined();
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 0 },
      servers: [fakeServer({ name: 'http' })],
    });

    const otel = register();
    await vk.run(() => vk.signalAt(10));
    const collected = await otel.collect();
    expect(otel.spans().map((span) => span.name)).toEqual(
      expect.arrayContaining(['kratos.start', 'start http', 'kratos.stop', 'stop http']),
    );
    expect(valuesBy(collected, 'kratos.lifecycle.state', 'state')).toMatchObject({ stopped: 1, running: 0 });
    expect(pointsOf(collected, 'kratos.lifecycle.ready').map((point) => point.value)).toEqual([0]);
    expect(Object.keys(valuesBy(collected, 'kratos.lifecycle.phase.duration', 'phase')).sort()).toEqual([
      'server.start',
      'server.stop',
      'start',
      'stop',
    ]);
  });

  it('an SDK registered while the kernel runs: the gauges appear at the next state change, the stop is measured', async () => {
    noSdk();
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 0 },
      servers: [fakeServer({ name: 'http' })],
    });
    await vk.advanceTo(100);
    const otel = register();
    await vk.advanceTo(200);
    // No event since: nothing was made on it yet (documented: register the SDK before run()).
    expect(pointsOf(await otel.collect(), 'kratos.lifecycle.ready')).toEqual([]);
    await vk.run(() => vk.signalAt(300));
    const collected = await otel.collect();
    expect(valuesBy(collected, 'kratos.lifecycle.state', 'state')).toMatchObject({ stopped: 1 });
    expect(Object.keys(valuesBy(collected, 'kratos.lifecycle.phase.duration', 'phase')).sort()).toEqual([
      'server.stop',
      'stop',
    ]);
    expect(
      otel
        .spans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['kratos.stop', 'stop http']);
  });
});
