import { describe, expect, it } from '@jest/globals';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';

// Kratos stops servers right after deregistering, before clients and load balancers have noticed:
// requests routed in that window are refused.
describe('Kratos defect: no drain delay', () => {
  it('waits drainDelay between deregistration and stopping, serving meanwhile', async () => {
    const http = fakeServer({ name: 'http' });
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 3_000 },
      servers: [http],
      registrars: [recordingRegistrar({ name: 'etcd' })],
    });
    await vk.run(() => vk.signalAt(100));
    expect(vk.timeOf('etcd deregister resolved')).toBe(100);
    expect(http.stops).toEqual([3_100]);
  });
});
