import { describe, expect, it } from '@jest/globals';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import { LifecycleKernel } from '../../src/index.js';

describe('stop control rules', () => {
  it('rule 15: stop() is idempotent: concurrent and repeated calls share one stop', async () => {
    const a = fakeServer({ name: 'a', stop: { ms: 50 } });
    const vk = virtualKernel({ servers: [a] });
    const stops: Promise<void>[] = [];
    const result = await vk.run(() => {
      vk.at(100, () => stops.push(vk.kernel.stop('first'), vk.kernel.stop('second')));
      vk.at(120, () => stops.push(vk.kernel.stop('third')));
    });
    await Promise.all(stops);
    expect(result).toEqual({ ok: true });
    expect(a.stops).toEqual([100]);
    expect(
      vk.events.filter(({ event }) => event.type === 'stop-requested').map(({ event }) => event),
    ).toEqual([{ type: 'stop-requested', reason: 'first' }]);
  });

  it('rule 15: stop() before run() is harmless', async () => {
    const kernel = new LifecycleKernel({ options: { signals: [] } });
    await expect(kernel.stop()).resolves.toBeUndefined();
    expect(kernel.state).toBe('idle');
  });

  it('rule 15: a second run() rejects with a coded error', async () => {
    const vk = virtualKernel({ servers: [fakeServer({ name: 'a' })] });
    await vk.run(() => vk.signalAt(10));
    await expect(vk.kernel.run()).rejects.toMatchObject({ code: 'KRATOS_ALREADY_RUN' });
  });

  it('rule 16: a signal during start aborts the start cleanly, registers nothing, and run() resolves', async () => {
    const fast = fakeServer({ name: 'fast', start: { ms: 10 } });
    const slow = fakeServer({ name: 'slow', start: { ms: 10_000 } });
    const mem = recordingRegistrar({ name: 'mem' });
    const vk = virtualKernel({ servers: [fast, slow], registrars: [mem] });
    const result = await vk.run(() => vk.signalAt(50, 'SIGINT'));
    expect(result).toEqual({ ok: true });
    expect(vk.timeOf('state stopping')).toBe(50);
    expect(vk.timeOf('slow start aborted')).toBe(50);
    expect(fast.stops).toEqual([50]);
    expect(slow.stops).toEqual([]);
    expect(mem.calls).toEqual([]);
    expect(vk.kernel.state).toBe('stopped');
  });

  it('rule 17: a second signal while stopping exits the process at once with a non-zero code', async () => {
    const vk = virtualKernel({ servers: [fakeServer({ name: 'a', stop: { ms: 5_000 } })] });
    await vk.run(() => {
      vk.signalAt(100, 'SIGTERM');
      vk.signalAt(200, 'SIGINT');
    });
    expect(vk.exits).toEqual([130]);
    expect(vk.timeOf('state stopping')).toBe(100);
  });

  it('rule 17: with forceExitOnSecondSignal false, a second signal does not exit', async () => {
    const vk = virtualKernel({
      options: { name: 'test', forceExitOnSecondSignal: false },
      servers: [fakeServer({ name: 'a', stop: { ms: 5_000 } })],
    });
    const result = await vk.run(() => {
      vk.signalAt(100);
      vk.signalAt(200);
    });
    expect(vk.exits).toEqual([]);
    expect(result).toEqual({ ok: true });
  });
});
