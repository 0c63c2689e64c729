import { describe, expect, it } from '@jest/globals';
import {
  BeforeStop,
  createKratosModule,
  KRATOS_OPTIONS,
  KRATOS_SCHEDULER,
  KratosErrorCode,
  REGISTRAR,
  SERVER,
  type HookContext,
  type KratosOptions,
} from '@kratos-ts/core';
import { Container, inject, injectable } from 'inversify';
import { firstValueFrom, timer, type SchedulerLike } from 'rxjs';
import {
  fakeHook,
  fakeServer,
  override,
  recordingRegistrar,
  TestingErrorCode,
  virtualKernel,
  type VirtualKernel,
} from '../src/index.js';

describe('virtualKernel from parts', () => {
  it('starts servers at once, registers after the slowest, and stops in order on a signal, in virtual ms', async () => {
    const a = fakeServer({ name: 'a', start: 30, stop: 10 });
    const b = fakeServer({ name: 'b', start: 50, stop: 20 });
    const mem = recordingRegistrar({ name: 'mem', register: 2, deregister: 3 });
    const vk = virtualKernel({
      servers: [a, b],
      registrars: [mem],
      options: { name: 'svc', drainDelay: 100 },
    });

    const result = await vk.run(() => vk.signalAt(200));

    expect(result).toEqual({ ok: true });
    expect(a.starts).toEqual([0]);
    expect(b.starts).toEqual([0]);
    expect(vk.timeOf('mem register')).toBe(50);
    expect(vk.timeOf('state running')).toBe(52);
    expect(vk.timeOf('state stopping')).toBe(200);
    expect(vk.timeOf('mem deregister resolved')).toBe(203);
    expect(a.stops).toEqual([303]);
    expect(vk.timeOf('b stop resolved')).toBe(323);
    expect(vk.timeline.slice(-2)).toEqual(['323 signals off', '323 state stopped']);
    expect(vk.timeline[0]).toBe('0 signals on SIGTERM,SIGINT,SIGQUIT');
    expect(mem.calls.map(({ op, at }) => [op, at])).toEqual([
      ['register', 50],
      ['deregister', 200],
    ]);
    expect(mem.calls[0]?.instance).toMatchObject({
      name: 'svc',
      endpoints: ['fake://127.0.0.1/a', 'fake://127.0.0.1/b'],
    });
    expect(mem.registered.size).toBe(0);
    expect(vk.events.find(({ event }) => event.type === 'drain')).toEqual({
      at: 303,
      event: { type: 'drain', durationMs: 100 },
    });
    expect(vk.logs.some(({ level, msg }) => level === 'info' && msg.includes('running'))).toBe(true);
  });

  it('rejects a failed start with the kernel error, after stopping what started and aborting the rest', async () => {
    const cause = new Error('listen EADDRINUSE 127.0.0.1:8000');
    const fast = fakeServer({ name: 'fast', start: 10 });
    const broken = fakeServer({ name: 'broken', start: { ms: 20, fails: cause } });
    const slow = fakeServer({ name: 'slow', start: 500 });
    const mem = recordingRegistrar({ name: 'mem' });
    const vk = virtualKernel({ servers: [fast, broken, slow], registrars: [mem] });

    const result = await vk.run();

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(KratosErrorCode.StartFailed);
    expect(result.error.cause).toBe(cause);
    expect(vk.timeOf('slow start aborted')).toBe(20);
    expect(fast.stops).toEqual([20]);
    expect(slow.stops).toEqual([]);
    expect(mem.calls).toEqual([]);
    expect(vk.kernel.state).toBe('failed');
  });

  it('times out a hook that hangs, at hookTimeout in virtual time', async () => {
    const flush = fakeHook('beforeStop', 'flush', 'never');
    const after = fakeHook('afterStop', 'after', 5);
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'api' })],
      hooks: [flush, after],
      options: { name: 'svc', hookTimeout: 5_000 },
    });

    const result = await vk.run(() => vk.signalAt(10));

    expect(result.ok || result.error.code).toBe(KratosErrorCode.HookTimeout);
    expect(vk.timeOf('flush live')).toBe(10);
    expect(vk.timeOf('flush aborted')).toBe(5_010);
    expect(vk.timeOf('api stop')).toBe(5_010);
    expect(vk.timeOf('after done')).toBe(5_015);
    expect(flush.calls).toHaveLength(1);
    expect(flush.calls[0]?.app.name).toBe('svc');
  });

  it('runs async (Promise) hooks: promises settle between virtual instants', async () => {
    const seen: string[] = [];
    const the: { vk?: VirtualKernel } = {};
    const options: KratosOptions = {
      name: 'svc',
      hookTimeout: 1_000,
      beforeStart: [
        async () => {
          seen.push(`beforeStart at ${the.vk!.now()}`);
          await Promise.resolve();
          await firstValueFrom(timer(300, the.vk!.scheduler));
          seen.push(`beforeStart done at ${the.vk!.now()}`);
        },
      ],
      beforeStop: [async () => void seen.push(`beforeStop at ${the.vk!.now()}`)],
    };
    const vk = virtualKernel({ servers: [fakeServer({ name: 'api', start: 20 })], options });
    the.vk = vk;

    const result = await vk.run(() => vk.stopAt(1_000, 'test over'));

    expect(result).toEqual({ ok: true });
    expect(seen).toEqual(['beforeStart at 0', 'beforeStart done at 300', 'beforeStop at 1000']);
    expect(vk.timeOf('api start')).toBe(300);
    expect(vk.timeOf('state running')).toBe(320);
    expect(vk.events).toContainEqual({ at: 1_000, event: { type: 'stop-requested', reason: 'test over' } });
  });

  it('advances step by step, and a signal emitted between steps stops the app', async () => {
    const api = fakeServer({ name: 'api', start: 30, stop: 40 });
    const vk = virtualKernel({ servers: [api] });

    await vk.advanceBy(10);
    expect(vk.kernel.state).toBe('starting');
    await vk.advanceTo(100);
    expect(vk.kernel.state).toBe('running');
    expect(api.serving).toBe(true);
    expect(vk.signals.listening).toEqual(['SIGTERM', 'SIGINT', 'SIGQUIT']);

    expect(vk.signals.emit('SIGINT')).toBe(true);
    const result = await vk.run();

    expect(result).toEqual({ ok: true });
    expect(api.stops).toEqual([100]);
    expect(vk.timeOf('state stopped')).toBe(140);
    expect(vk.signals.listening).toBeUndefined();
  });

  it('records the exit a second signal asks for, instead of exiting', async () => {
    const vk = virtualKernel({ servers: [fakeServer({ name: 'a', stop: 5_000 })] });
    await vk.run(() => {
      vk.signalAt(100, 'SIGTERM');
      vk.signalAt(200, 'SIGINT');
    });
    expect(vk.exits).toEqual([130]);
  });

  it('stops gracefully on an uncaught error it is played, and sets exit code 1 instead of the process', async () => {
    const boom = new Error('boom in a timer');
    const api = fakeServer({ name: 'api', stop: 20 });
    const vk = virtualKernel({ servers: [api] });

    const result = await vk.run(() => vk.uncaughtAt(50, boom));

    expect(result.ok || result.error.code).toBe(KratosErrorCode.UncaughtError);
    expect(result.ok || result.error.cause).toBe(boom);
    expect(api.stops).toEqual([50]);
    expect(vk.exitCodes).toEqual([1]);
    expect(vk.exits).toEqual([]);
    expect(vk.uncaughtErrors.listening).toBe(false);
    expect(vk.uncaughtErrors.subscriptions).toBe(1);
  });

  it('does not deliver a signal the app does not listen to', async () => {
    const vk = virtualKernel({ options: { name: 'svc', signals: ['SIGTERM'] } });
    await vk.advanceBy(1);
    expect(vk.signals.emit('SIGHUP')).toBe(false);
    expect(vk.signals.emit('SIGTERM')).toBe(true);
    await expect(vk.run()).resolves.toEqual({ ok: true });
  });

  it('rejects with KRATOS_TESTING_STALLED when the app runs and nothing is scheduled, and stops the kernel', async () => {
    const api = fakeServer({ name: 'api' });
    const vk = virtualKernel({ servers: [api] });

    const error: unknown = await vk.run().catch((e: unknown) => e);

    expect(error).toMatchObject({ code: TestingErrorCode.Stalled });
    expect((error as Error).message).toContain('still running at 0 ms');
    expect((error as Error).message).toContain('vk.signalAt(ms)');
    expect(vk.kernel.state).toBe('stopped');
    expect(api.stops).toEqual([0]);
  });

  it('gives up at the horizon when something keeps virtual time busy forever', async () => {
    const vk = virtualKernel({ options: { name: 'svc' }, horizon: 10_000 });
    const ticking = vk.scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): unknown }) {
      this.schedule(undefined, 1_000);
    }, 1_000);

    const error: unknown = await vk.run().catch((e: unknown) => e);

    ticking.unsubscribe();
    expect(error).toMatchObject({ code: TestingErrorCode.Stalled });
    expect((error as Error).message).toContain('horizon');
    expect(vk.kernel.state).toBe('stopped');
  });

  it('refuses to schedule in the past', async () => {
    const vk = virtualKernel({ servers: [fakeServer({ name: 'a', start: 50 })] });
    await vk.advanceTo(60);
    expect(() => vk.at(10, () => undefined)).toThrow(RangeError);
    await expect(vk.advanceTo(20)).rejects.toThrow(RangeError);
    await expect(vk.run(() => vk.signalAt(5))).rejects.toThrow(RangeError);
    expect(vk.kernel.state).toBe('stopped');
  });

  it('names servers and registrars given with declarations, and honours their timeouts', async () => {
    const stuck = fakeServer({ start: 'never' });
    const vk = virtualKernel({
      servers: [{ server: stuck, name: 'stuck', startTimeout: 2_000 }],
      registrars: [{ registrar: recordingRegistrar(), name: 'mem' }],
    });
    const result = await vk.run();
    expect(result.ok || result.error.code).toBe(KratosErrorCode.StartTimeout);
    expect(result.ok || result.error.message).toContain('Server "stuck" did not start within 2000 ms');
    expect(vk.timeOf('fake start aborted')).toBe(2_000);
  });
});

describe('virtualKernel from an app container', () => {
  const Clock = Symbol('Clock');

  @injectable()
  class Outbox {
    flushed: number[] = [];
    constructor(@inject(KRATOS_SCHEDULER) private readonly scheduler: SchedulerLike) {}
    async flush(): Promise<void> {
      await firstValueFrom(timer(2_000, this.scheduler));
      this.flushed.push(this.scheduler.now());
    }
  }

  class Lifecycle {
    constructor(@inject(Outbox) private readonly outbox: Outbox) {}
    @BeforeStop() async drainOutbox(_ctx: HookContext): Promise<void> {
      await this.outbox.flush();
    }
  }

  function appContainer(options: KratosOptions = { name: 'shop' }): Container {
    const container = new Container();
    container.bind(KRATOS_OPTIONS).toConstantValue(options);
    container.bind(Outbox).toSelf().inSingletonScope();
    container.bind(Clock).toConstantValue('real');
    container.bind(SERVER).toConstantValue(fakeServer({ name: 'http', start: 15 }));
    container.load(createKratosModule({ hooks: [Lifecycle] }));
    return container;
  }

  it("runs the app's own hooks on virtual time, with its doubles on the kernel's clock", async () => {
    const container = appContainer();
    const registry = recordingRegistrar({ name: 'registry', deregister: 50 });
    override(container, REGISTRAR, registry);

    const vk = virtualKernel({ container });
    const result = await vk.run(() => vk.signalAt(1_000));

    expect(result).toEqual({ ok: true });
    expect(vk.timeOf('http start resolved')).toBe(15);
    expect(vk.timeOf('registry register')).toBe(15);
    // beforeStop hooks run first (2 s of flushing), then deregistration, then the servers stop.
    expect(container.get(Outbox).flushed).toEqual([3_000]);
    expect(vk.timeOf('registry deregister resolved')).toBe(3_050);
    expect(vk.timeOf('http stop')).toBe(3_050);
    expect(registry.calls.map((c) => c.at)).toEqual([15, 3_000]);
  });

  it('shows a hook timeout the app would hit in production', async () => {
    const vk = virtualKernel({ container: appContainer({ name: 'shop', hookTimeout: 500 }) });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok || result.error.code).toBe(KratosErrorCode.HookTimeout);
    expect(result.ok || result.error.message).toContain('Lifecycle.drainOutbox');
    // The hook ignores its aborted signal: the kernel abandons it 1 s after hookTimeout.
    expect(vk.timeOf('http stop')).toBe(1_600);
  });

  it('connects a FakeServer the container resolves under its own class (attachKernel)', async () => {
    @injectable()
    class Api extends (await import('../src/index.js')).FakeServer {
      constructor() {
        super({ name: 'api', start: 40 });
      }
    }
    const container = new Container();
    container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'svc' });
    container.load(createKratosModule({ servers: [Api] }));
    const vk = virtualKernel({ container });
    await vk.run(() => vk.signalAt(100));
    expect(vk.timeOf('api start resolved')).toBe(40);
    expect(container.get(Api).starts).toEqual([0]);
  });
});
