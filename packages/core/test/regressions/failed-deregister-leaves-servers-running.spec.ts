import { describe, expect, it } from '@jest/globals';
import { KernelHarness } from '../support/kernel-harness.js';

// In Kratos, App.Stop returned as soon as Deregister failed, before cancelling the context that
// stops the servers: they kept running.
describe('Kratos defect: a failed deregistration leaves servers running', () => {
  it('stops every server although deregistration failed, and reports the failure', async () => {
    const h = new KernelHarness({
      servers: [{ name: 'http' }, { name: 'grpc' }],
      registrars: [{ name: 'etcd', deregister: { fails: new Error('context deadline exceeded') } }],
    });
    const result = await h.run(() => h.signalAt(10));
    expect(h.servers.map((s) => s.stops)).toEqual([[10], [10]]);
    expect(result.ok || result.error.code).toBe('KRATOS_DEREGISTER_FAILED');
  });
});
