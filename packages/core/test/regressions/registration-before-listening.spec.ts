import { describe, expect, it } from '@jest/globals';
import { KernelHarness } from '../support/kernel-harness.js';

// Kratos registered the instance once every server's goroutine had been *launched* (a WaitGroup
// released before Start returned), so the registry could list an endpoint that was not listening.
describe('Kratos defect: registration before servers are really listening', () => {
  it('registers only after the slowest start() has resolved', async () => {
    const h = new KernelHarness({
      servers: [
        { name: 'fast', start: { ms: 1 } },
        { name: 'slow', start: { ms: 750 } },
      ],
      registrars: [{ name: 'etcd' }],
    });
    await h.run(() => h.signalAt(1_000));
    expect(h.timeOf('slow start resolved')).toBe(750);
    expect(h.timeOf('etcd register')).toBe(750);
    expect(h.timeline.indexOf('750 slow start resolved')).toBeLessThan(
      h.timeline.indexOf('750 etcd register'),
    );
  });
});
