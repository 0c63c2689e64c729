import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';

// Kratos' stopTimeout is 0 (none) unless set: a Stop that never returns blocks shutdown forever.
describe('Kratos defect: no default stop timeout', () => {
  it('aborts a stop at the default 10000 ms and abandons it 1 s later', async () => {
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'stuck', stop: { hangs: true, onAbort: 'ignore' } })],
    });
    const result = await vk.run(() => vk.signalAt(0));
    expect(vk.timeOf('stuck stop aborted')).toBe(10_000);
    expect(vk.timeOf('state failed')).toBe(11_000);
    expect(result.ok || result.error.code).toBe('KRATOS_STOP_TIMEOUT');
  });
});
