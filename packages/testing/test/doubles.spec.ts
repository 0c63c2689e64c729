import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { firstValueFrom, lastValueFrom, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  fakeHook,
  fakeServer,
  fakeSignals,
  fakeUncaughtErrors,
  recordingLogger,
  recordingRegistrar,
} from '../src/index.js';
import { toFakeStep } from '../src/fake-behaviour.js';

/** A virtual scheduler whose flush() runs everything (outside run mode it stops at frame 750). */
const scheduler = (): TestScheduler => {
  const vt = new TestScheduler((a, b) => expect(a).toEqual(b));
  vt.maxFrames = Number.POSITIVE_INFINITY;
  return vt;
};

/** Subscribes to `step` and reports how and when it settled once `vt` is flushed. */
function outcome(step: Observable<void>, vt: TestScheduler): { how?: string; at?: number; error?: unknown } {
  const seen: { how?: string; at?: number; error?: unknown } = {};
  step.subscribe({
    complete: () => Object.assign(seen, { how: 'resolved', at: vt.now() }),
    error: (error: unknown) => Object.assign(seen, { how: 'rejected', at: vt.now(), error }),
  });
  return seen;
}

const instance: ServiceInstance = {
  id: 'i-1',
  name: 'svc',
  version: '1',
  metadata: {},
  endpoints: ['http://127.0.0.1:1'],
};

describe('fake behaviours', () => {
  it('read a number as ms, an Error as a failure, never as a hang', () => {
    const boom = new Error('boom');
    expect(toFakeStep(undefined)).toEqual({});
    expect(toFakeStep(30)).toEqual({ ms: 30 });
    expect(toFakeStep(boom)).toEqual({ fails: boom });
    expect(toFakeStep('never')).toEqual({ hangs: true });
    expect(toFakeStep({ ms: 5, onAbort: 'ignore' })).toEqual({ ms: 5, onAbort: 'ignore' });
    expect(() => toFakeStep(-1)).toThrow(RangeError);
  });
});

describe('fakeServer', () => {
  it('starts after its ms, records when it was called and with which signal, and serves until stopped', () => {
    const vt = scheduler();
    const server = fakeServer({ name: 'api', start: 30, stop: 10, scheduler: vt });
    const signal = new AbortController().signal;

    const started = outcome(server.start(signal), vt);
    vt.flush();
    expect(started).toEqual({ how: 'resolved', at: 30 });
    expect(server.starts).toEqual([0]);
    expect(server.startSignal).toBe(signal);
    expect(server.serving).toBe(true);

    const stopped = outcome(server.stop(new AbortController().signal), vt);
    expect(server.serving).toBe(false);
    vt.flush();
    expect(stopped).toEqual({ how: 'resolved', at: 40 });
    expect(server.stops).toEqual([30]);
  });

  it('fails with its Error, after its ms when given as a step', () => {
    const vt = scheduler();
    const cause = new Error('EADDRINUSE');
    const atOnce = outcome(
      fakeServer({ start: cause, scheduler: vt }).start(new AbortController().signal),
      vt,
    );
    const later = outcome(
      fakeServer({ start: { ms: 20, fails: cause }, scheduler: vt }).start(new AbortController().signal),
      vt,
    );
    vt.flush();
    expect(atOnce).toEqual({ how: 'rejected', at: 0, error: cause });
    expect(later).toEqual({ how: 'rejected', at: 20, error: cause });
  });

  it("hangs with 'never' until its signal aborts, then rejects with the signal's reason", () => {
    const vt = scheduler();
    const controller = new AbortController();
    const server = fakeServer({ stop: 'never', scheduler: vt });
    const stopped = outcome(server.stop(controller.signal), vt);
    vt.flush();
    expect(stopped).toEqual({});
    vt.schedule(() => controller.abort(new Error('stopTimeout')), 10_000);
    vt.flush();
    expect(stopped).toMatchObject({ how: 'rejected', at: 10_000, error: new Error('stopTimeout') });
  });

  it('resolves on abort, or ignores it and settles in its own time, as told', () => {
    const vt = scheduler();
    const a = new AbortController();
    const b = new AbortController();
    const resolving = outcome(
      fakeServer({ start: { hangs: true, onAbort: 'resolve' }, scheduler: vt }).start(a.signal),
      vt,
    );
    const ignoring = outcome(
      fakeServer({ start: { ms: 500, onAbort: 'ignore' }, scheduler: vt }).start(b.signal),
      vt,
    );
    vt.schedule(() => (a.abort(), b.abort()), 100);
    vt.flush();
    expect(resolving).toEqual({ how: 'resolved', at: 100 });
    expect(ignoring).toEqual({ how: 'resolved', at: 500 });
  });

  it("rejects with its abortError, when it has one, instead of the signal's reason", () => {
    const vt = scheduler();
    const own = new Error('gave up binding 0.0.0.0:8000');
    const controller = new AbortController();
    const started = outcome(
      fakeServer({ start: { hangs: true, abortError: own }, scheduler: vt }).start(controller.signal),
      vt,
    );
    controller.abort();
    expect(started).toEqual({ how: 'rejected', at: 0, error: own });
  });

  it('settles at once when its signal is already aborted', () => {
    const vt = scheduler();
    const stopped = outcome(fakeServer({ stop: 50, scheduler: vt }).stop(AbortSignal.abort('late')), vt);
    vt.flush();
    expect(stopped).toEqual({ how: 'rejected', at: 0, error: 'late' });
  });

  it('reports fake://127.0.0.1/<name> by default, none with null, or what its function returns', async () => {
    expect(fakeServer({ name: 'api' }).endpoint()).toBe('fake://127.0.0.1/api');
    expect(fakeServer({ endpoint: null }).endpoint()).toBeUndefined();
    expect(fakeServer({ endpoint: 'http://127.0.0.1:40001' }).endpoint()).toBe('http://127.0.0.1:40001');
    await expect(fakeServer({ endpoint: async () => 'grpc://[::1]:40002' }).endpoint()).resolves.toBe(
      'grpc://[::1]:40002',
    );
  });

  it('runs in real time without a scheduler', async () => {
    const server = fakeServer({ start: 1 });
    const before = Date.now();
    await lastValueFrom(server.start(new AbortController().signal), { defaultValue: undefined });
    expect(server.starts[0]).toBeGreaterThanOrEqual(before);
    expect(server.serving).toBe(true);
  });
});

describe('recordingRegistrar', () => {
  it('records each call with its instance, time and signal, and keeps what is registered', () => {
    const vt = scheduler();
    const registrar = recordingRegistrar({ name: 'mem', register: 5, deregister: 7, scheduler: vt });
    const signal = new AbortController().signal;
    outcome(registrar.register(instance, signal), vt);
    vt.flush();
    expect(registrar.registered.get('i-1')).toBe(instance);
    outcome(registrar.deregister(instance, signal), vt);
    vt.flush();
    expect(registrar.registered.size).toBe(0);
    expect(registrar.calls).toEqual([
      { op: 'register', instance, at: 0, signal },
      { op: 'deregister', instance, at: 5, signal },
    ]);
  });

  it('fails or hangs as told, and registers nothing then', () => {
    const vt = scheduler();
    const refused = new Error('etcd unavailable');
    const failing = recordingRegistrar({ register: refused, scheduler: vt });
    const hanging = recordingRegistrar({ register: 'never', scheduler: vt });
    const failed = outcome(failing.register(instance, new AbortController().signal), vt);
    const hung = outcome(hanging.register(instance, new AbortController().signal), vt);
    vt.flush();
    expect(failed).toEqual({ how: 'rejected', at: 0, error: refused });
    expect(hung).toEqual({});
    expect(failing.registered.size + hanging.registered.size).toBe(0);
  });
});

describe('fakeHook', () => {
  it('is a NamedHook that records its calls and behaves as told', async () => {
    const vt = scheduler();
    const hook = fakeHook('beforeStop', 'flush', 40, vt);
    const app = { id: 'i', name: 'svc', version: '', metadata: {}, endpoints: [] };
    const signal = new AbortController().signal;
    expect(hook).toMatchObject({ phase: 'beforeStop', name: 'flush' });
    const done = outcome(hook.run({ app, signal }) as Observable<void>, vt);
    vt.flush();
    expect(done).toEqual({ how: 'resolved', at: 40 });
    expect(hook.calls).toEqual([{ at: 0, app, signal }]);
    await expect(
      firstValueFrom(fakeHook('afterStop', 'x', new Error('no')).run({ app, signal }) as Observable<void>),
    ).rejects.toThrow('no');
  });
});

describe('fakeSignals', () => {
  it('delivers a signal only to subscribers listening to it, and says whether anyone was', () => {
    const signals = fakeSignals();
    const heard: string[] = [];
    expect(signals.listening).toBeUndefined();
    expect(signals.emit('SIGTERM')).toBe(false);

    const a = signals(['SIGTERM', 'SIGINT']).subscribe((s) => heard.push(`a ${s}`));
    const b = signals(['SIGHUP']).subscribe((s) => heard.push(`b ${s}`));
    expect(signals.listening).toEqual(['SIGTERM', 'SIGINT', 'SIGHUP']);
    expect(signals.emit('SIGINT')).toBe(true);
    expect(signals.emit('SIGHUP')).toBe(true);
    expect(signals.emit('SIGQUIT')).toBe(false);

    a.unsubscribe();
    expect(signals.listening).toEqual(['SIGHUP']);
    b.unsubscribe();
    expect(signals.listening).toBeUndefined();
    expect(heard).toEqual(['a SIGINT', 'b SIGHUP']);
  });

  it('installs no process listener', () => {
    const before = process.listenerCount('SIGTERM');
    const subscription = fakeSignals()(['SIGTERM']).subscribe();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    subscription.unsubscribe();
  });
});

describe('fakeUncaughtErrors', () => {
  it('delivers an uncaught error to its subscribers, and counts them', () => {
    const uncaught = fakeUncaughtErrors();
    const heard: unknown[] = [];
    expect(uncaught.emit(new Error('nobody'))).toBe(false);
    const subscription = uncaught().subscribe((e) => heard.push(e));
    expect(uncaught.listening).toBe(true);
    const boom = new Error('boom');
    expect(uncaught.emit(boom)).toBe(true);
    expect(uncaught.emit('reason', 'unhandledRejection')).toBe(true);
    subscription.unsubscribe();
    expect(uncaught.listening).toBe(false);
    expect(uncaught.subscriptions).toBe(1);
    expect(heard).toEqual([
      { origin: 'uncaughtException', error: boom },
      { origin: 'unhandledRejection', error: 'reason' },
    ]);
  });
});

describe('recordingLogger', () => {
  it('keeps every line with its level, message, fields and time', () => {
    let now = 5;
    const logger = recordingLogger(() => now);
    logger.info({ server: 'api' }, 'started');
    now = 9;
    logger.warn('slow');
    expect(logger.records).toEqual([
      { at: 5, level: 'info', msg: 'started', fields: { server: 'api' } },
      { at: 9, level: 'warn', msg: 'slow' },
    ]);
    expect(logger.messages('warn')).toEqual(['slow']);
    expect(logger.messages()).toEqual(['started', 'slow']);
  });
});
