import { describe, expect, it } from '@jest/globals';
import { fakeHook, fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import { LifecycleKernel, type KratosOptions } from '../../src/index.js';

describe('uncaught error rules', () => {
  it('rule 19: an uncaught exception while running is logged and stops the app gracefully; run() rejects with KRATOS_UNCAUGHT_ERROR and the exit code is 1', async () => {
    const boom = new Error('boom in a timer');
    const mem = recordingRegistrar({ name: 'mem' });
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 100, signals: ['SIGTERM'] },
      servers: [fakeServer({ name: 'api', start: { ms: 5 }, stop: { ms: 20 } })],
      registrars: [mem],
      hooks: [fakeHook('beforeStop', 'flush'), fakeHook('afterStop', 'close')],
    });
    const result = await vk.run(() => vk.uncaughtAt(50, boom));

    // The normal stop, in order: stopping → beforeStop → deregister → drain → stop servers → afterStop.
    expect(vk.timeOf('state stopping')).toBe(50);
    expect(vk.timeOf('flush live')).toBe(50);
    expect(vk.timeOf('mem deregister')).toBe(50);
    expect(vk.timeOf('api stop')).toBe(150);
    expect(vk.timeOf('api stop resolved')).toBe(170);
    expect(vk.timeOf('close live')).toBe(170);
    expect(mem.registered.size).toBe(0);
    expect(vk.events.map(({ event }) => event)).toContainEqual({
      type: 'stop-requested',
      reason: 'an uncaught exception: boom in a timer',
    });
    expect(vk.logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'Stopping the application gracefully after an uncaught exception: boom in a timer',
      }),
    );

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_UNCAUGHT_ERROR');
    expect(result.error.cause).toBe(boom);
    expect(result.error.errors).toEqual([]);
    expect(result.error.message).toContain('stopped by an uncaught exception: boom in a timer');
    expect(vk.exitCodes).toEqual([1]);
    expect(vk.exits).toEqual([]);
    expect(vk.kernel.state).toBe('failed');
  });

  it('rule 19: an unhandled rejection during the start aborts it and rolls back, as a signal does', async () => {
    const reason = new Error('rejected and never handled');
    const fast = fakeServer({ name: 'fast', start: { ms: 10 } });
    const mem = recordingRegistrar({ name: 'mem' });
    const vk = virtualKernel({
      servers: [fast, fakeServer({ name: 'slow', start: { ms: 10_000 } })],
      registrars: [mem],
    });
    const result = await vk.run(() => vk.uncaughtAt(50, reason, 'unhandledRejection'));
    expect(vk.timeOf('state stopping')).toBe(50);
    expect(vk.timeOf('slow start aborted')).toBe(50);
    expect(fast.stops).toEqual([50]);
    expect(mem.calls).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_UNCAUGHT_ERROR');
    expect(result.error.cause).toBe(reason);
    expect(result.error.message).toContain('stopped by an unhandled rejection: rejected and never handled');
    expect(vk.exitCodes).toEqual([1]);
  });

  it('rule 19: a second uncaught error during that stop exits the process at once with code 1', async () => {
    const vk = virtualKernel({ servers: [fakeServer({ name: 'slow-stop', stop: { ms: 5_000 } })] });
    const exitedAt: number[] = [];
    await vk.run(() => {
      vk.uncaughtAt(100, new Error('first'));
      vk.uncaughtAt(200, 'second, not even an Error', 'unhandledRejection');
      vk.at(200, () => exitedAt.push(...vk.exits.map(() => vk.now())));
    });
    expect(vk.exits).toEqual([1]);
    expect(exitedAt).toEqual([200]);
    expect(vk.logs.filter((log) => log.level === 'error').map((log) => log.msg)).toEqual([
      'Stopping the application gracefully after an uncaught exception: first',
      'Another uncaught error, an unhandled rejection, while stopping after one: exiting at once with code 1',
    ]);
  });

  it("rule 19: an uncaught error during a signal-driven stop joins it; the stop's own errors are in errors", async () => {
    const a = fakeServer({ name: 'a', stop: { ms: 500, fails: new Error('stop broke') } });
    const vk = virtualKernel({ servers: [a] });
    const result = await vk.run(() => {
      vk.signalAt(100);
      vk.uncaughtAt(150, new Error('late boom'));
    });
    expect(
      vk.events.filter(({ event }) => event.type === 'stop-requested').map(({ event }) => event),
    ).toEqual([{ type: 'stop-requested', reason: 'signal SIGTERM' }]);
    expect(a.stops).toEqual([100]);
    expect(vk.exits).toEqual([]);
    expect(vk.logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'An uncaught exception: late boom during the stop, which goes on; run() will reject with it',
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_UNCAUGHT_ERROR');
    expect((result.error.cause as Error).message).toBe('late boom');
    expect(result.error.errors.map((e) => (e as { code: string }).code)).toEqual(['KRATOS_STOP_FAILED']);
    expect(result.error.message).toContain('The lifecycle also failed in 1 place:\n  1. KRATOS_STOP_FAILED');
    expect(vk.exitCodes).toEqual([1]);
  });

  it('rule 19: the listeners are installed when run() is called and removed when it settles', async () => {
    const vk = virtualKernel({ servers: [fakeServer({ name: 'a', start: { ms: 10 } })] });
    const heard: boolean[] = [];
    const result = await vk.run(() => {
      vk.at(0, () => heard.push(vk.uncaughtErrors.listening));
      vk.at(50, () => heard.push(vk.uncaughtErrors.listening));
      vk.signalAt(100);
    });
    expect(result).toEqual({ ok: true });
    expect(heard).toEqual([true, true]);
    expect(vk.uncaughtErrors.listening).toBe(false);
    expect(vk.uncaughtErrors.subscriptions).toBe(1);
    expect(vk.exitCodes).toEqual([]);
  });

  it("rule 19: with uncaughtErrors 'ignore' the kernel installs no listener, leaving uncaught errors to Node", async () => {
    const vk = virtualKernel({
      options: { name: 'test', uncaughtErrors: 'ignore' },
      servers: [fakeServer({ name: 'a' })],
    });
    const result = await vk.run(() => vk.signalAt(10));
    expect(result).toEqual({ ok: true });
    expect(vk.uncaughtErrors.subscriptions).toBe(0);
  });

  it('rule 19: uncaughtErrors is validated with the other options', async () => {
    const kernel = new LifecycleKernel({
      options: { uncaughtErrors: 'exit', stopTimeout: 0 } as unknown as KratosOptions,
    });
    await expect(kernel.run()).rejects.toMatchObject({
      code: 'KRATOS_INVALID_OPTIONS',
      message: expect.stringContaining(
        'uncaughtErrors must be one of "stop", "ignore", got "exit"',
      ) as unknown,
      errors: [expect.any(Error), expect.any(Error)] as unknown,
    });
  });
});
