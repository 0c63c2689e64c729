import { describe, expect, it } from '@jest/globals';
import { LifecycleKernel } from '../../src/index.js';
import { KernelHarness } from '../support/kernel-harness.js';

describe('stop control rules', () => {
  it('rule 15: stop() is idempotent: concurrent and repeated calls share one stop', async () => {
    const h = new KernelHarness({ servers: [{ name: 'a', stop: { ms: 50 } }] });
    const stops: Promise<void>[] = [];
    const result = await h.run(() => {
      h.at(100, () => stops.push(h.kernel.stop('first'), h.kernel.stop('second')));
      h.at(120, () => stops.push(h.kernel.stop('third')));
    });
    await Promise.all(stops);
    expect(result).toEqual({ ok: true });
    expect(h.servers[0]!.stops).toEqual([100]);
    expect(h.events.filter((e) => e.type === 'stop-requested')).toEqual([
      { type: 'stop-requested', reason: 'first' },
    ]);
  });

  it('rule 15: stop() before run() is harmless', async () => {
    const kernel = new LifecycleKernel({ options: { signals: [] } });
    await expect(kernel.stop()).resolves.toBeUndefined();
    expect(kernel.state).toBe('idle');
  });

  it('rule 15: a second run() rejects with a coded error', async () => {
    const h = new KernelHarness({ servers: [{ name: 'a' }] });
    await h.run(() => h.signalAt(10));
    await expect(h.kernel.run()).rejects.toMatchObject({ code: 'KRATOS_ALREADY_RUN' });
  });

  it('rule 16: a signal during start aborts the start cleanly, registers nothing, and run() resolves', async () => {
    const h = new KernelHarness({
      servers: [
        { name: 'fast', start: { ms: 10 } },
        { name: 'slow', start: { ms: 10_000 } },
      ],
      registrars: [{ name: 'mem' }],
    });
    const result = await h.run(() => h.signalAt(50, 'SIGINT'));
    expect(result).toEqual({ ok: true });
    expect(h.timeOf('state stopping')).toBe(50);
    expect(h.timeOf('slow start aborted')).toBe(50);
    expect(h.servers[0]!.stops).toEqual([50]);
    expect(h.servers[1]!.stops).toEqual([]);
    expect(h.registrars[0]!.calls).toEqual([]);
    expect(h.kernel.state).toBe('stopped');
  });

  it('rule 17: a second signal while stopping exits the process at once with a non-zero code', async () => {
    const h = new KernelHarness({ servers: [{ name: 'a', stop: { ms: 5_000 } }] });
    await h.run(() => {
      h.signalAt(100, 'SIGTERM');
      h.signalAt(200, 'SIGINT');
    });
    expect(h.exits).toEqual([130]);
    expect(h.timeOf('state stopping')).toBe(100);
  });

  it('rule 17: with forceExitOnSecondSignal false, a second signal does not exit', async () => {
    const h = new KernelHarness({
      options: { name: 'test', forceExitOnSecondSignal: false },
      servers: [{ name: 'a', stop: { ms: 5_000 } }],
    });
    const result = await h.run(() => {
      h.signalAt(100);
      h.signalAt(200);
    });
    expect(h.exits).toEqual([]);
    expect(result).toEqual({ ok: true });
  });
});
