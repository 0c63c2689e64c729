import { describe, expect, it } from '@jest/globals';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';

// In Kratos, App.Stop returned as soon as Deregister failed, before cancelling the context that
// stops the servers: they kept running.
describe('Kratos defect: a failed deregistration leaves servers running', () => {
  it('stops every server although deregistration failed, and reports the failure', async () => {
    const servers = [fakeServer({ name: 'http' }), fakeServer({ name: 'grpc' })];
    const vk = virtualKernel({
      servers,
      registrars: [
        recordingRegistrar({ name: 'etcd', deregister: { fails: new Error('context deadline exceeded') } }),
      ],
    });
    const result = await vk.run(() => vk.signalAt(10));
    expect(servers.map((s) => s.stops)).toEqual([[10], [10]]);
    // Reported (not fatal since issue 17: see failed-deregistration-is-fatal.spec.ts).
    expect(result).toEqual({ ok: true });
    expect(vk.events.map(({ event }) => event)).toContainEqual(
      expect.objectContaining({
        type: 'deregister',
        registrar: 'etcd',
        status: 'failed',
        error: expect.objectContaining({ code: 'KRATOS_DEREGISTER_FAILED' }),
      }),
    );
  });
});
