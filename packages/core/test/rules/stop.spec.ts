import { describe, expect, it } from '@jest/globals';
import { fakeHook, fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';

describe('stop rules', () => {
  it('rule 8: state stopping is published first, before any stop step runs', async () => {
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'a' })],
      registrars: [recordingRegistrar({ name: 'mem' })],
      hooks: [fakeHook('beforeStop', 'flush')],
    });
    await vk.run(() => vk.signalAt(100));
    const stopping = vk.timeline.indexOf('100 state stopping');
    expect(stopping).toBeGreaterThan(-1);
    expect(stopping).toBeLessThan(vk.timeline.indexOf('100 flush live'));
    expect(stopping).toBeLessThan(vk.timeline.indexOf('100 mem deregister'));
    expect(stopping).toBeLessThan(vk.timeline.indexOf('100 a stop'));
  });

  it('rule 9: every beforeStop hook runs even if an earlier one failed, and all errors are kept', async () => {
    const a = fakeServer({ name: 'a' });
    const vk = virtualKernel({
      servers: [a],
      hooks: [
        fakeHook('beforeStop', 'one', { fails: new Error('one broke') }),
        fakeHook('beforeStop', 'two', { ms: 10, fails: new Error('two broke') }),
        fakeHook('beforeStop', 'three', { ms: 10 }),
      ],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect(vk.timeOf('three live')).toBe(110);
    expect(a.stops).toEqual([120]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_LIFECYCLE_FAILED');
    const causes = result.error.errors.map((e) => ((e as Error).cause as Error).message);
    expect(causes).toEqual(['one broke', 'two broke']);
  });

  it('rule 10: a failed or timed-out deregistration is logged, never prevents the next steps, and is not fatal', async () => {
    const a = fakeServer({ name: 'a' });
    const vk = virtualKernel({
      options: { name: 'test', registrarTimeout: 2_000 },
      servers: [a],
      registrars: [
        recordingRegistrar({ name: 'broken', deregister: { fails: new Error('etcd unavailable') } }),
        recordingRegistrar({ name: 'stuck', deregister: { hangs: true } }),
      ],
      hooks: [fakeHook('afterStop', 'close')],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect(a.stops).toEqual([2_100]);
    expect(vk.timeOf('close live')).toBe(2_100);
    expect(result).toEqual({ ok: true });
    const warned = vk.logs
      .filter((record) => record.level === 'warn')
      .map((record) => (record.fields as { err?: { code?: string } } | undefined)?.err?.code);
    expect(warned).toEqual(['KRATOS_DEREGISTER_FAILED', 'KRATOS_DEREGISTER_TIMEOUT']);
  });

  it('rule 11: servers keep serving during drainDelay, after deregistration', async () => {
    const a = fakeServer({ name: 'a' });
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 5_000 },
      servers: [a],
      registrars: [recordingRegistrar({ name: 'mem', deregister: { ms: 10 } })],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result).toEqual({ ok: true });
    expect(vk.timeOf('mem deregister resolved')).toBe(110);
    expect(a.stops).toEqual([5_110]);
    expect(vk.events.map(({ event }) => event)).toContainEqual({ type: 'drain', durationMs: 5_000 });
  });

  it('rule 12: servers stop concurrently; each stop signal aborts at its stopTimeout; a stop unsettled 1 s later is abandoned', async () => {
    const quick = fakeServer({ name: 'quick', stop: { ms: 10 } });
    const forced = fakeServer({ name: 'forced', stop: { hangs: true, onAbort: 'resolve' } });
    const stuck = fakeServer({ name: 'stuck', stop: { hangs: true, onAbort: 'ignore' } });
    const vk = virtualKernel({
      options: { name: 'test', stopTimeout: 3_000 },
      servers: [quick, forced, { server: stuck, stopTimeout: 500 }],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect([quick, forced, stuck].map((s) => s.stops)).toEqual([[100], [100], [100]]);
    expect(vk.timeOf('quick stop resolved')).toBe(110);
    expect(vk.timeOf('forced stop aborted')).toBe(3_100);
    expect(vk.timeOf('forced stop resolved')).toBe(3_100);
    expect(vk.timeOf('stuck stop aborted')).toBe(600);
    expect(vk.timeOf('state failed')).toBe(3_100);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_STOP_TIMEOUT');
    expect(result.error.message).toContain('Server "stuck"');
    const abandoned = vk.events.find(({ event }) => event.type === 'server-stop' && event.server === 'stuck');
    expect(abandoned?.event).toMatchObject({ status: 'abandoned', durationMs: 1_500 });
  });

  it('rule 13: every afterStop hook runs, with a signal that is not aborted', async () => {
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'a', stop: { fails: new Error('stop broke') } })],
      hooks: [
        fakeHook('afterStop', 'first', { fails: new Error('first broke') }),
        fakeHook('afterStop', 'second'),
      ],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect(vk.linesWith('live')).toEqual(['100 first live', '100 second live']);
    expect(result.ok || result.error.errors.length).toBe(2);
  });

  it('rule 14: signal listeners are removed at the end; run() resolves when nothing failed', async () => {
    const vk = virtualKernel({ servers: [fakeServer({ name: 'a', stop: { ms: 20 } })] });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result).toEqual({ ok: true });
    expect(vk.signals.listening).toBeUndefined();
    expect(vk.timeline.slice(-2)).toEqual(['120 signals off', '120 state stopped']);
    expect(vk.kernel.state).toBe('stopped');
  });

  it('rule 14: run() rejects with every collected error', async () => {
    const vk = virtualKernel({
      servers: [
        fakeServer({ name: 'a', stop: { fails: new Error('a') } }),
        fakeServer({ name: 'b', stop: { fails: new Error('b') } }),
      ],
      hooks: [fakeHook('beforeStop', 'hook', { fails: new Error('hook') })],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect(vk.signals.listening).toBeUndefined();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errors.map((e) => ((e as Error).cause as Error).message).sort()).toEqual([
      'a',
      'b',
      'hook',
    ]);
    expect(result.error.message).toContain('failed in 3 places');
  });
});
