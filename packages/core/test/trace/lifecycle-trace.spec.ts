import { describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { Subject } from 'rxjs';
import { fakeHook, fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import {
  lifecycleTrace,
  type LifecycleEvent,
  type LifecycleState,
  type TraceEvent,
} from '../../src/index.js';

// A lifecycle in virtual time: every duration below is exact, so the trace's must be too.
function tracedRun() {
  const vk = virtualKernel({
    options: { name: 'test', drainDelay: 100 },
    servers: [
      fakeServer({ name: 'http', start: { ms: 50 }, stop: { ms: 30 } }),
      fakeServer({ name: 'grpc', start: { ms: 80 }, stop: { ms: 10 } }),
    ],
    registrars: [recordingRegistrar({ name: 'etcd', register: { ms: 5 }, deregister: { ms: 7 } })],
    hooks: [fakeHook('beforeStart', 'migrate', { ms: 20 }), fakeHook('afterStop', 'flush', { ms: 4 })],
  });
  const trace = lifecycleTrace(vk.kernel, { now: () => vk.now(), measure: false, pid: 7 });
  return { vk, trace };
}

const spans = (events: readonly TraceEvent[]) => events.filter((event) => event.ph === 'X');
const span = (events: readonly TraceEvent[], name: string): TraceEvent => {
  const found = spans(events).find((event) => event.name === name);
  if (!found) throw new Error(`no span "${name}" in ${JSON.stringify(events.map((e) => e.name))}`);
  return found;
};

describe('lifecycleTrace', () => {
  it('writes Chrome trace events: complete spans in µs on named tracks, one per server', async () => {
    const { vk, trace } = tracedRun();
    await vk.run(() => vk.signalAt(1_000));
    const { traceEvents, displayTimeUnit } = trace.document();
    expect(displayTimeUnit).toBe('ms');
    for (const event of spans(traceEvents)) {
      expect(event).toEqual({
        name: expect.any(String),
        cat: expect.any(String),
        ph: 'X',
        ts: expect.any(Number),
        dur: expect.any(Number),
        pid: 7,
        tid: expect.any(Number),
        args: expect.any(Object),
      });
    }
    const tracks = Object.fromEntries(
      traceEvents.filter((e) => e.ph === 'M').map((e) => [e.args.name as string, e.tid]),
    );
    expect(Object.keys(tracks)).toEqual([
      'lifecycle',
      'hooks',
      'registration',
      'drain',
      'server http',
      'server grpc',
    ]);
    expect(span(traceEvents, 'start http')).toMatchObject({
      ts: 20_000,
      dur: 50_000,
      tid: tracks['server http'],
      args: { status: 'ok' },
    });
    expect(span(traceEvents, 'start grpc')).toMatchObject({
      ts: 20_000,
      dur: 80_000,
      tid: tracks['server grpc'],
    });
    expect(span(traceEvents, 'register etcd')).toMatchObject({
      ts: 100_000,
      dur: 5_000,
      tid: tracks.registration,
    });
    expect(span(traceEvents, 'drain')).toMatchObject({ ts: 1_007_000, dur: 100_000, tid: tracks.drain });
  });

  it('the durations add up: starting is the hooks, the slowest start and the registration; stopping is deregister, drain, the slowest stop and the hooks', async () => {
    const { vk, trace } = tracedRun();
    await vk.run(() => vk.signalAt(1_000));
    const { traceEvents } = trace.document();
    const dur = (name: string): number => span(traceEvents, name).dur!;
    expect(dur('starting')).toBe(
      dur('beforeStart migrate') + Math.max(dur('start http'), dur('start grpc')) + dur('register etcd'),
    );
    expect(dur('stopping')).toBe(
      dur('deregister etcd') +
        dur('drain') +
        Math.max(dur('stop http'), dur('stop grpc')) +
        dur('afterStop flush'),
    );
    expect(span(traceEvents, 'running').ts).toBe(span(traceEvents, 'starting').ts + dur('starting'));
    expect(dur('starting') + dur('running') + dur('stopping')).toBe(1_000_000 + dur('stopping'));
  });

  it('records a failed step with its status and error, and stops recording on stop()', async () => {
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'http', start: { ms: 10, fails: new Error('port taken') } })],
    });
    const trace = lifecycleTrace(vk.kernel, { now: () => vk.now(), measure: false });
    await vk.run();
    expect(span(trace.document().traceEvents, 'start http').args).toEqual({
      status: 'failed',
      error: expect.stringContaining('failed to start: port taken'),
    });
    const before = trace.document().traceEvents.length;
    trace.stop();
    expect(trace.document().traceEvents).toHaveLength(before);
  });

  it('on the default clock, ts counts µs since the epoch and each span is also a performance.measure', () => {
    const state$ = new Subject<LifecycleState>();
    const events$ = new Subject<LifecycleEvent>();
    const trace = lifecycleTrace({ state$, events$ });
    const before = performance.timeOrigin + performance.now();
    events$.next({ type: 'server-start', server: 'measured', status: 'ok', durationMs: 0.25 });
    const after = performance.timeOrigin + performance.now();
    trace.stop();

    const started = span(trace.document().traceEvents, 'start measured');
    expect(started.dur).toBe(250);
    expect(started.ts).toBeGreaterThanOrEqual(Math.floor((before - 0.25) * 1000));
    expect(started.ts).toBeLessThanOrEqual(Math.ceil((after - 0.25) * 1000));
    const [measure] = performance.getEntriesByName('kratos:start measured', 'measure');
    performance.clearMeasures('kratos:start measured');
    expect(measure?.duration).toBe(0.25);
    // On Node's timeline, which counts from performance.timeOrigin (to float rounding: 1 µs).
    const measuredTs = (performance.timeOrigin + measure!.startTime) * 1000;
    expect(Math.abs(measuredTs - started.ts)).toBeLessThanOrEqual(1);
  });
});
