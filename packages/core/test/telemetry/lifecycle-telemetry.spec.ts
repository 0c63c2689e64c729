import { afterEach, describe, expect, it } from '@jest/globals';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { fakeHook, fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import {
  durationMs,
  histogram,
  pointsOf,
  registerInMemoryOtel,
  valuesBy,
  type InMemoryOtel,
} from './in-memory-otel.js';
import { ABANDON_GRACE_MS } from '../../src/internal.js';

// The lifecycle in virtual time: every duration is exact, so the spans' and histograms' must be.
// 0 ──beforeStart migrate 20──▶ 20 ──start http 50 / grpc 80──▶ 100 ──register etcd 5──▶ 105 running
// 1000 SIGTERM ──deregister etcd 7──▶ 1007 ──drain 100──▶ 1107 ──stop http 30 / grpc 10──▶ 1137
// ──afterStop flush 4──▶ 1141 stopped
function cleanRun() {
  return virtualKernel({
    options: { name: 'test', drainDelay: 100 },
    servers: [
      fakeServer({ name: 'http', start: { ms: 50 }, stop: { ms: 30 } }),
      fakeServer({ name: 'grpc', start: { ms: 80 }, stop: { ms: 10 } }),
    ],
    registrars: [recordingRegistrar({ name: 'etcd', register: { ms: 5 }, deregister: { ms: 7 } })],
    hooks: [fakeHook('beforeStart', 'migrate', { ms: 20 }), fakeHook('afterStop', 'flush', { ms: 4 })],
  });
}

const startMs = (span: ReadableSpan, origin: ReadableSpan): number =>
  (span.startTime[0] - origin.startTime[0]) * 1000 + (span.startTime[1] - origin.startTime[1]) / 1e6;
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan): string => span.spanContext().spanId;

let otel: InMemoryOtel | undefined;
afterEach(async () => {
  await otel?.close();
  otel = undefined;
});

describe('lifecycle spans', () => {
  it('kratos.start is the parent of every start step, kratos.stop of every stop step, with exact times', async () => {
    otel = registerInMemoryOtel();
    const vk = cleanRun();
    await expect(vk.run(() => vk.signalAt(1_000))).resolves.toEqual({ ok: true });

    const start = otel.span('kratos.start');
    const stop = otel.span('kratos.stop');
    expect(start.kind).toBe(SpanKind.INTERNAL);
    expect(parentOf(start)).toBeUndefined();
    expect(parentOf(stop)).toBeUndefined();
    expect(durationMs(start)).toBe(105);
    expect(durationMs(stop)).toBe(141);
    expect(startMs(stop, start)).toBe(1_000);
    expect(stop.attributes).toMatchObject({
      'kratos.stop.reason': 'signal SIGTERM',
      'kratos.lifecycle.outcome': 'stopped',
    });
    // Its own trace, linked to the start it undoes.
    expect(stop.links.map((link) => link.context.spanId)).toEqual([idOf(start)]);
    expect(start.status.code).toBe(SpanStatusCode.UNSET);
    expect(stop.status.code).toBe(SpanStatusCode.UNSET);

    const expected: [name: string, parent: ReadableSpan, at: number, ms: number, attributes: object][] = [
      [
        'beforeStart migrate',
        start,
        0,
        20,
        { 'kratos.hook': 'migrate', 'kratos.lifecycle.phase': 'beforeStart' },
      ],
      ['start http', start, 20, 50, { 'kratos.server': 'http', 'kratos.lifecycle.phase': 'server.start' }],
      ['start grpc', start, 20, 80, { 'kratos.server': 'grpc', 'kratos.lifecycle.phase': 'server.start' }],
      ['register etcd', start, 100, 5, { 'kratos.registrar': 'etcd', 'kratos.lifecycle.phase': 'register' }],
      [
        'deregister etcd',
        stop,
        1_000,
        7,
        { 'kratos.registrar': 'etcd', 'kratos.lifecycle.phase': 'deregister' },
      ],
      ['drain', stop, 1_007, 100, { 'kratos.lifecycle.phase': 'drain' }],
      ['stop http', stop, 1_107, 30, { 'kratos.server': 'http', 'kratos.lifecycle.phase': 'server.stop' }],
      ['stop grpc', stop, 1_107, 10, { 'kratos.server': 'grpc', 'kratos.lifecycle.phase': 'server.stop' }],
      ['afterStop flush', stop, 1_137, 4, { 'kratos.hook': 'flush', 'kratos.lifecycle.phase': 'afterStop' }],
    ];
    for (const [name, parent, at, ms, attributes] of expected) {
      const span = otel.span(name);
      expect({ name, parent: parentOf(span), trace: span.spanContext().traceId }).toEqual({
        name,
        parent: idOf(parent),
        trace: parent.spanContext().traceId,
      });
      expect({ name, at: startMs(span, start), ms: durationMs(span) }).toEqual({ name, at, ms });
      expect(span.attributes).toMatchObject(attributes);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    expect(otel.spans()).toHaveLength(expected.length + 2);
  });

  it('a failed start: the failed step and kratos.start are errors naming the culprit; the rollback is kratos.stop', async () => {
    otel = registerInMemoryOtel();
    const vk = virtualKernel({
      options: { name: 'test' },
      servers: [
        fakeServer({ name: 'http', start: { ms: 10 } }),
        fakeServer({ name: 'grpc', start: { ms: 30, fails: new Error('EADDRINUSE') } }),
      ],
    });
    const result = await vk.run();
    expect(result.ok).toBe(false);

    const failedStep = otel.span('start grpc');
    expect(failedStep.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: expect.stringContaining('EADDRINUSE'),
    });
    expect(failedStep.attributes).toMatchObject({ 'kratos.step.status': 'failed', 'kratos.server': 'grpc' });
    expect(failedStep.events.map((event) => event.name)).toContain('exception');
    const start = otel.span('kratos.start');
    expect(start.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining('grpc') });
    expect(start.status.message).toContain('EADDRINUSE');
    expect(durationMs(start)).toBe(30);
    const stop = otel.span('kratos.stop');
    expect(stop.attributes).toMatchObject({
      'kratos.stop.reason': 'rollback after a failed start',
      'kratos.lifecycle.outcome': 'failed',
    });
    // The server that did start is stopped by the rollback, under kratos.stop.
    expect(parentOf(otel.span('stop http'))).toBe(idOf(stop));
    expect(otel.span('start http').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a stop asked for while starting: an event on kratos.start, which ends when its aborted steps settled', async () => {
    otel = registerInMemoryOtel();
    const vk = virtualKernel({
      options: { name: 'test' },
      // Ignores its aborted signal: the start settles only when it is abandoned, a grace later.
      servers: [fakeServer({ name: 'http', start: { hangs: true, onAbort: 'ignore' }, stop: 5 })],
    });
    await vk.run(() => vk.signalAt(40));
    const start = otel.span('kratos.start');
    expect(start.events.map((event) => [event.name, event.attributes])).toEqual([
      ['signal', { 'kratos.signal': 'SIGTERM' }],
      ['stop requested', { 'kratos.stop.reason': 'signal SIGTERM' }],
    ]);
    const aborted = otel.span('start http');
    expect(aborted.attributes['kratos.step.status']).toBe('abandoned');
    expect(parentOf(aborted)).toBe(idOf(start));
    expect(durationMs(start)).toBe(40 + ABANDON_GRACE_MS);
    expect(otel.span('kratos.stop').events.map((event) => event.name)).toEqual([]);
  });

  it('a failed afterStop hook makes kratos.stop an error; a failed deregistration alone does not', async () => {
    otel = registerInMemoryOtel();
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 0 },
      servers: [fakeServer({ name: 'http' })],
      registrars: [recordingRegistrar({ name: 'etcd', deregister: new Error('lease lost') })],
      hooks: [fakeHook('afterStop', 'flush', new Error('disk full'))],
    });
    await vk.run(() => vk.signalAt(10));
    expect(otel.span('deregister etcd').status.code).toBe(SpanStatusCode.ERROR);
    const stop = otel.span('kratos.stop');
    expect(stop.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: expect.stringContaining('disk full'),
    });
    expect(stop.attributes['kratos.lifecycle.outcome']).toBe('failed');
  });
});

describe('lifecycle metrics', () => {
  const states = (collected: MetricData[]) => valuesBy(collected, 'kratos.lifecycle.state', 'state');
  const ready = (collected: MetricData[]) =>
    pointsOf(collected, 'kratos.lifecycle.ready').map((p) => p.value);
  const one = (current: string) =>
    Object.fromEntries(
      ['idle', 'starting', 'running', 'stopping', 'stopped', 'failed'].map((s) => [s, s === current ? 1 : 0]),
    );

  it('kratos.lifecycle.state is 1 for the current state and 0 for the others; ready is 1 only while running', async () => {
    otel = registerInMemoryOtel();
    const vk = cleanRun();
    vk.signalAt(1_000);
    await vk.advanceTo(10);
    const starting = await otel.collect();
    await vk.advanceTo(500);
    const running = await otel.collect();
    await vk.advanceTo(1_050);
    const draining = await otel.collect();
    await vk.run();
    const stopped = await otel.collect();

    expect(states(starting)).toEqual(one('starting'));
    expect(states(running)).toEqual(one('running'));
    expect(states(draining)).toEqual(one('stopping'));
    expect(states(stopped)).toEqual(one('stopped'));
    expect([ready(starting), ready(running), ready(draining), ready(stopped)]).toEqual([[0], [1], [0], [0]]);
  });

  it('kratos.lifecycle.phase.duration records each phase once, in seconds', async () => {
    otel = registerInMemoryOtel();
    const vk = cleanRun();
    await vk.run(() => vk.signalAt(1_000));
    const collected = await otel.collect();
    const [metric] = collected.filter((m) => m.descriptor.name === 'kratos.lifecycle.phase.duration');
    expect(metric?.descriptor.unit).toBe('s');
    const byPhase = Object.fromEntries(
      pointsOf(collected, 'kratos.lifecycle.phase.duration').map((point) => {
        const { count, sum } = histogram(point);
        return [String(point.attributes.phase), { count, ms: Math.round(sum * 1e6) / 1e3 }];
      }),
    );
    expect(byPhase).toEqual({
      start: { count: 1, ms: 105 },
      beforeStart: { count: 1, ms: 20 },
      'server.start': { count: 1, ms: 80 },
      register: { count: 1, ms: 5 },
      stop: { count: 1, ms: 141 },
      deregister: { count: 1, ms: 7 },
      drain: { count: 1, ms: 100 },
      'server.stop': { count: 1, ms: 30 },
      afterStop: { count: 1, ms: 4 },
    });
  });

  it('kratos.registry.operations counts registrations and deregistrations by outcome', async () => {
    otel = registerInMemoryOtel();
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 0, registrarTimeout: 50 },
      servers: [fakeServer({ name: 'http' })],
      registrars: [
        recordingRegistrar({ name: 'etcd', register: 1, deregister: 1 }),
        recordingRegistrar({ name: 'consul', register: { ms: 5, fails: new Error('ECONNREFUSED') } }),
        recordingRegistrar({
          name: 'slow',
          register: { hangs: true, onAbort: 'ignore' },
          deregister: 'never',
        }),
      ],
    });
    const result = await vk.run();
    expect(result.ok).toBe(false);
    const counts = Object.fromEntries(
      pointsOf(await otel.collect(), 'kratos.registry.operations').map((point) => [
        `${String(point.attributes.operation)} ${String(point.attributes.outcome)}`,
        point.value,
      ]),
    );
    // consul fails at 5 ms, which calls off slow's registration; slow ignores it and is abandoned
    // (a timeout). etcd and slow (which may have registered) are deregistered; slow's hangs until
    // registrarTimeout.
    expect(counts).toEqual({
      'register ok': 1,
      'register failed': 1,
      'register timeout': 1,
      'deregister ok': 1,
      'deregister timeout': 1,
    });
  });
});
