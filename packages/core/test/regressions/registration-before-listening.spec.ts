import { describe, expect, it } from '@jest/globals';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';

// Kratos registered the instance once every server's goroutine had been *launched* (a WaitGroup
// released before Start returned), so the registry could list an endpoint that was not listening.
describe('Kratos defect: registration before servers are really listening', () => {
  it('registers only after the slowest start() has resolved', async () => {
    const vk = virtualKernel({
      servers: [
        fakeServer({ name: 'fast', start: { ms: 1 } }),
        fakeServer({ name: 'slow', start: { ms: 750 } }),
      ],
      registrars: [recordingRegistrar({ name: 'etcd' })],
    });
    await vk.run(() => vk.signalAt(1_000));
    expect(vk.timeOf('slow start resolved')).toBe(750);
    expect(vk.timeOf('etcd register')).toBe(750);
    expect(vk.timeline.indexOf('750 slow start resolved')).toBeLessThan(
      vk.timeline.indexOf('750 etcd register'),
    );
  });
});
