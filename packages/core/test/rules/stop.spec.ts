import { describe, expect, it } from '@jest/globals';
import { KernelHarness, namedHook } from '../support/kernel-harness.js';

describe('stop rules', () => {
  it('rule 8: state stopping is published first, before any stop step runs', async () => {
    const h: KernelHarness = new KernelHarness({
      servers: [{ name: 'a' }],
      registrars: [{ name: 'mem' }],
      hooks: [namedHook(() => h, 'beforeStop', 'flush')],
    });
    await h.run(() => h.signalAt(100));
    const stopping = h.timeline.indexOf('100 state stopping');
    expect(stopping).toBeGreaterThan(-1);
    expect(stopping).toBeLessThan(h.timeline.indexOf('100 flush live'));
    expect(stopping).toBeLessThan(h.timeline.indexOf('100 mem deregister'));
    expect(stopping).toBeLessThan(h.timeline.indexOf('100 a stop'));
  });

  it('rule 9: every beforeStop hook runs even if an earlier one failed, and all errors are kept', async () => {
    const h: KernelHarness = new KernelHarness({
      servers: [{ name: 'a' }],
      hooks: [
        namedHook(() => h, 'beforeStop', 'one', { fails: new Error('one broke') }),
        namedHook(() => h, 'beforeStop', 'two', { ms: 10, fails: new Error('two broke') }),
        namedHook(() => h, 'beforeStop', 'three', { ms: 10 }),
      ],
    });
    const result = await h.run(() => h.signalAt(100));
    expect(h.timeOf('three live')).toBe(110);
    expect(h.servers[0]!.stops).toEqual([120]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_LIFECYCLE_FAILED');
    const causes = result.error.errors!.map((e) => ((e as Error).cause as Error).message);
    expect(causes).toEqual(['one broke', 'two broke']);
  });

  it('rule 10: a failed or timed-out deregistration is kept and never prevents the next steps', async () => {
    const h: KernelHarness = new KernelHarness({
      options: { name: 'test', registrarTimeout: 2_000 },
      servers: [{ name: 'a' }],
      registrars: [
        { name: 'broken', deregister: { fails: new Error('etcd unavailable') } },
        { name: 'stuck', deregister: { hangs: true } },
      ],
      hooks: [namedHook(() => h, 'afterStop', 'close')],
    });
    const result = await h.run(() => h.signalAt(100));
    expect(h.servers[0]!.stops).toEqual([2_100]);
    expect(h.timeOf('close live')).toBe(2_100);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errors!.map((e) => (e as { code: string }).code).sort()).toEqual([
      'KRATOS_DEREGISTER_FAILED',
      'KRATOS_DEREGISTER_TIMEOUT',
    ]);
  });

  it('rule 11: servers keep serving during drainDelay, after deregistration', async () => {
    const h = new KernelHarness({
      options: { name: 'test', drainDelay: 5_000 },
      servers: [{ name: 'a' }],
      registrars: [{ name: 'mem', deregister: { ms: 10 } }],
    });
    const result = await h.run(() => h.signalAt(100));
    expect(result).toEqual({ ok: true });
    expect(h.timeOf('mem deregister resolved')).toBe(110);
    expect(h.servers[0]!.stops).toEqual([5_110]);
    expect(h.events).toContainEqual({ type: 'drain', durationMs: 5_000 });
  });

  it('rule 12: servers stop concurrently; each stop signal aborts at its stopTimeout; a stop unsettled 1 s later is abandoned', async () => {
    const h = new KernelHarness({
      options: { name: 'test', stopTimeout: 3_000 },
      servers: [
        { name: 'quick', stop: { ms: 10 } },
        { name: 'forced', stop: { hangs: true, onAbort: 'resolve' } },
        { name: 'stuck', stop: { hangs: true, onAbort: 'ignore' }, stopTimeout: 500 },
      ],
    });
    const result = await h.run(() => h.signalAt(100));
    expect(h.servers.map((s) => s.stops)).toEqual([[100], [100], [100]]);
    expect(h.timeOf('quick stop resolved')).toBe(110);
    expect(h.timeOf('forced stop aborted')).toBe(3_100);
    expect(h.timeOf('forced stop resolved')).toBe(3_100);
    expect(h.timeOf('stuck stop aborted')).toBe(600);
    expect(h.timeOf('state failed')).toBe(3_100);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_STOP_TIMEOUT');
    expect(result.error.message).toContain('Server "stuck"');
    const abandoned = h.events.find((e) => e.type === 'server-stop' && e.server === 'stuck');
    expect(abandoned).toMatchObject({ status: 'abandoned', durationMs: 1_500 });
  });

  it('rule 13: every afterStop hook runs, with a signal that is not aborted', async () => {
    const h: KernelHarness = new KernelHarness({
      servers: [{ name: 'a', stop: { fails: new Error('stop broke') } }],
      hooks: [
        namedHook(() => h, 'afterStop', 'first', { fails: new Error('first broke') }),
        namedHook(() => h, 'afterStop', 'second'),
      ],
    });
    const result = await h.run(() => h.signalAt(100));
    expect(h.linesWith('live')).toEqual(['100 first live', '100 second live']);
    expect(result.ok || result.error.errors!.length).toBe(2);
  });

  it('rule 14: signal listeners are removed at the end; run() resolves when nothing failed', async () => {
    const h = new KernelHarness({ servers: [{ name: 'a', stop: { ms: 20 } }] });
    const result = await h.run(() => h.signalAt(100));
    expect(result).toEqual({ ok: true });
    expect(h.listening).toBeUndefined();
    expect(h.timeline.slice(-2)).toEqual(['120 signals off', '120 state stopped']);
    expect(h.kernel.state).toBe('stopped');
  });

  it('rule 14: run() rejects with every collected error', async () => {
    const h: KernelHarness = new KernelHarness({
      servers: [
        { name: 'a', stop: { fails: new Error('a') } },
        { name: 'b', stop: { fails: new Error('b') } },
      ],
      hooks: [namedHook(() => h, 'beforeStop', 'hook', { fails: new Error('hook') })],
    });
    const result = await h.run(() => h.signalAt(100));
    expect(h.listening).toBeUndefined();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errors!.map((e) => ((e as Error).cause as Error).message).sort()).toEqual([
      'a',
      'b',
      'hook',
    ]);
    expect(result.error.message).toContain('failed in 3 places');
  });
});
