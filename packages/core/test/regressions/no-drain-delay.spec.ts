import { describe, expect, it } from '@jest/globals';
import { KernelHarness } from '../support/kernel-harness.js';

// Kratos stops servers right after deregistering, before clients and load balancers have noticed:
// requests routed in that window are refused.
describe('Kratos defect: no drain delay', () => {
  it('waits drainDelay between deregistration and stopping, serving meanwhile', async () => {
    const h = new KernelHarness({
      options: { name: 'test', drainDelay: 3_000 },
      servers: [{ name: 'http' }],
      registrars: [{ name: 'etcd' }],
    });
    await h.run(() => h.signalAt(100));
    expect(h.timeOf('etcd deregister resolved')).toBe(100);
    expect(h.servers[0]!.stops).toEqual([3_100]);
  });
});
