import { describe, expect, it } from '@jest/globals';
import { lifecycleTrace } from '@kratos-ts/core';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';

// Issue 17: a failed deregistration turned a clean SIGTERM into a rejected run() (exit code 1),
// though every server stopped cleanly and the lease expires by itself. It is logged, not fatal.
describe('defect: a failed deregistration is fatal', () => {
  it('run() resolves when every server stopped cleanly; the failure is logged, in events$ and in the trace', async () => {
    const http = fakeServer({ name: 'http' });
    const vk = virtualKernel({
      options: { name: 'test', registrarTimeout: 2_000 },
      servers: [http],
      registrars: [
        recordingRegistrar({ name: 'etcd', deregister: { fails: new Error('etcd unavailable') } }),
        recordingRegistrar({ name: 'stuck', deregister: { hangs: true } }),
      ],
    });
    const trace = lifecycleTrace(vk.kernel, { now: () => vk.scheduler.now(), pid: 1 });
    const result = await vk.run(() => vk.signalAt(100));

    expect(result).toEqual({ ok: true });
    expect(vk.kernel.state).toBe('stopped');
    expect(http.stops).toEqual([2_100]);

    const deregisterEvents = vk.events
      .map(({ event }) => event)
      .filter((event) => event.type === 'deregister')
      .map((event) => ({
        registrar: event.registrar,
        status: event.status,
        code: (event.error as { code?: string } | undefined)?.code,
      }));
    expect(deregisterEvents).toEqual([
      { registrar: 'etcd', status: 'failed', code: 'KRATOS_DEREGISTER_FAILED' },
      { registrar: 'stuck', status: 'timeout', code: 'KRATOS_DEREGISTER_TIMEOUT' },
    ]);

    const loggedCodes = vk.logs
      .filter((record) => record.level === 'warn' || record.level === 'error')
      .map((record) => (record.fields as { err?: { code?: string } } | undefined)?.err?.code);
    expect(loggedCodes).toEqual(
      expect.arrayContaining(['KRATOS_DEREGISTER_FAILED', 'KRATOS_DEREGISTER_TIMEOUT']),
    );
    expect(vk.logs.find((record) => record.msg.includes('etcd unavailable'))?.level).toBe('warn');

    const traced = trace
      .document()
      .traceEvents.filter((event) => event.cat === 'registrar' && event.name.startsWith('deregister'))
      .map((event) => event.args);
    expect(traced).toEqual([
      expect.objectContaining({ status: 'failed', error: expect.stringContaining('etcd unavailable') }),
      expect.objectContaining({ status: 'timeout' }),
    ]);
  });

  it('still lists the deregistration failure when run() rejects for another reason', async () => {
    const vk = virtualKernel({
      options: { name: 'test' },
      servers: [fakeServer({ name: 'http', stop: { fails: new Error('stop broke') } })],
      registrars: [
        recordingRegistrar({ name: 'etcd', deregister: { fails: new Error('etcd unavailable') } }),
      ],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_LIFECYCLE_FAILED');
    expect(result.error.errors.map((e) => (e as { code: string }).code)).toEqual([
      'KRATOS_DEREGISTER_FAILED',
      'KRATOS_STOP_FAILED',
    ]);
  });
});
