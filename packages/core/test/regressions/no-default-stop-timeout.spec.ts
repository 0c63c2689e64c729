import { describe, expect, it } from '@jest/globals';
import { KernelHarness } from '../support/kernel-harness.js';

// Kratos' stopTimeout is 0 (none) unless set: a Stop that never returns blocks shutdown forever.
describe('Kratos defect: no default stop timeout', () => {
  it('aborts a stop at the default 10000 ms and abandons it 1 s later', async () => {
    const h = new KernelHarness({ servers: [{ name: 'stuck', stop: { hangs: true, onAbort: 'ignore' } }] });
    const result = await h.run(() => h.signalAt(0));
    expect(h.timeOf('stuck stop aborted')).toBe(10_000);
    expect(h.timeOf('state failed')).toBe(11_000);
    expect(result.ok || result.error.code).toBe('KRATOS_STOP_TIMEOUT');
  });
});
