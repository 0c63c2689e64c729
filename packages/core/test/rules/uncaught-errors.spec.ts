import { describe, expect, it } from '@jest/globals';
import { LifecycleKernel, type KratosOptions } from '../../src/index.js';
import { KernelHarness, namedHook } from '../support/kernel-harness.js';

describe('uncaught error rules', () => {
  it('rule 19: an uncaught exception while running is logged and stops the app gracefully; run() rejects with KRATOS_UNCAUGHT_ERROR and the exit code is 1', async () => {
    const boom = new Error('boom in a timer');
    const h: KernelHarness = new KernelHarness({
      options: { name: 'test', drainDelay: 100, signals: ['SIGTERM'] },
      servers: [{ name: 'api', start: { ms: 5 }, stop: { ms: 20 } }],
      registrars: [{ name: 'mem' }],
      hooks: [namedHook(() => h, 'beforeStop', 'flush'), namedHook(() => h, 'afterStop', 'close')],
    });
    const result = await h.run(() => h.uncaughtAt(50, boom));

    // The normal stop, in order: stopping → beforeStop → deregister → drain → stop servers → afterStop.
    expect(h.timeOf('state stopping')).toBe(50);
    expect(h.timeOf('flush live')).toBe(50);
    expect(h.timeOf('mem deregister')).toBe(50);
    expect(h.timeOf('api stop')).toBe(150);
    expect(h.timeOf('api stop resolved')).toBe(170);
    expect(h.timeOf('close live')).toBe(170);
    expect(h.registrars[0]!.registered.size).toBe(0);
    expect(h.events).toContainEqual({
      type: 'stop-requested',
      reason: 'an uncaught exception: boom in a timer',
    });
    expect(h.logs).toContainEqual({
      level: 'error',
      msg: 'Stopping the application gracefully after an uncaught exception: boom in a timer',
    });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_UNCAUGHT_ERROR');
    expect(result.error.cause).toBe(boom);
    expect(result.error.errors).toEqual([]);
    expect(result.error.message).toContain('stopped by an uncaught exception: boom in a timer');
    expect(h.exitCodes).toEqual([1]);
    expect(h.exits).toEqual([]);
    expect(h.kernel.state).toBe('failed');
  });

  it('rule 19: an unhandled rejection during the start aborts it and rolls back, as a signal does', async () => {
    const reason = new Error('rejected and never handled');
    const h = new KernelHarness({
      servers: [
        { name: 'fast', start: { ms: 10 } },
        { name: 'slow', start: { ms: 10_000 } },
      ],
      registrars: [{ name: 'mem' }],
    });
    const result = await h.run(() => h.uncaughtAt(50, reason, 'unhandledRejection'));
    expect(h.timeOf('state stopping')).toBe(50);
    expect(h.timeOf('slow start aborted')).toBe(50);
    expect(h.servers[0]!.stops).toEqual([50]);
    expect(h.registrars[0]!.calls).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_UNCAUGHT_ERROR');
    expect(result.error.cause).toBe(reason);
    expect(result.error.message).toContain('stopped by an unhandled rejection: rejected and never handled');
    expect(h.exitCodes).toEqual([1]);
  });

  it('rule 19: a second uncaught error during that stop exits the process at once with code 1', async () => {
    const h = new KernelHarness({ servers: [{ name: 'slow-stop', stop: { ms: 5_000 } }] });
    const exitedAt: number[] = [];
    await h.run(() => {
      h.uncaughtAt(100, new Error('first'));
      h.uncaughtAt(200, 'second, not even an Error', 'unhandledRejection');
      h.at(200, () => exitedAt.push(...h.exits.map(() => h.scheduler.now())));
    });
    expect(h.exits).toEqual([1]);
    expect(exitedAt).toEqual([200]);
    expect(h.logs.filter((log) => log.level === 'error').map((log) => log.msg)).toEqual([
      'Stopping the application gracefully after an uncaught exception: first',
      'Another uncaught error, an unhandled rejection, while stopping after one: exiting at once with code 1',
    ]);
  });

  it("rule 19: an uncaught error during a signal-driven stop joins it; the stop's own errors are in errors", async () => {
    const h = new KernelHarness({
      servers: [{ name: 'a', stop: { ms: 500, fails: new Error('stop broke') } }],
    });
    const result = await h.run(() => {
      h.signalAt(100);
      h.uncaughtAt(150, new Error('late boom'));
    });
    expect(h.events.filter((e) => e.type === 'stop-requested')).toEqual([
      { type: 'stop-requested', reason: 'signal SIGTERM' },
    ]);
    expect(h.servers[0]!.stops).toEqual([100]);
    expect(h.exits).toEqual([]);
    expect(h.logs).toContainEqual({
      level: 'error',
      msg: 'An uncaught exception: late boom during the stop, which goes on; run() will reject with it',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_UNCAUGHT_ERROR');
    expect((result.error.cause as Error).message).toBe('late boom');
    expect(result.error.errors!.map((e) => (e as { code: string }).code)).toEqual(['KRATOS_STOP_FAILED']);
    expect(result.error.message).toContain('The lifecycle also failed in 1 place:\n  1. KRATOS_STOP_FAILED');
    expect(h.exitCodes).toEqual([1]);
  });

  it('rule 19: the listeners are installed when run() is called and removed when it settles', async () => {
    const h = new KernelHarness({ servers: [{ name: 'a', start: { ms: 10 } }] });
    const heard: boolean[] = [];
    const result = await h.run(() => {
      h.at(0, () => heard.push(h.hearsUncaughtErrors));
      h.at(50, () => heard.push(h.hearsUncaughtErrors));
      h.signalAt(100);
    });
    expect(result).toEqual({ ok: true });
    expect(heard).toEqual([true, true]);
    expect(h.hearsUncaughtErrors).toBe(false);
    expect(h.uncaughtSubscriptions).toBe(1);
    expect(h.exitCodes).toEqual([]);
  });

  it("rule 19: with uncaughtErrors 'ignore' the kernel installs no listener, leaving uncaught errors to Node", async () => {
    const h = new KernelHarness({
      options: { name: 'test', uncaughtErrors: 'ignore' },
      servers: [{ name: 'a' }],
    });
    const result = await h.run(() => h.signalAt(10));
    expect(result).toEqual({ ok: true });
    expect(h.uncaughtSubscriptions).toBe(0);
  });

  it('rule 19: uncaughtErrors is validated with the other options', async () => {
    const kernel = new LifecycleKernel({
      options: { uncaughtErrors: 'exit', stopTimeout: 0 } as unknown as KratosOptions,
    });
    await expect(kernel.run()).rejects.toMatchObject({
      code: 'KRATOS_INVALID_OPTIONS',
      message: expect.stringContaining(`uncaughtErrors must be 'stop' or 'ignore', got "exit"`) as unknown,
      errors: [expect.any(Error), expect.any(Error)] as unknown,
    });
  });
});
