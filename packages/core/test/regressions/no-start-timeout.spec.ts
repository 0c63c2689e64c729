import { describe, expect, it } from '@jest/globals';
import { KernelHarness } from '../support/kernel-harness.js';

// Kratos has no start timeout: a Start that blocks before serving hangs Run forever.
describe('Kratos defect: no start timeout', () => {
  it('gives up on a hanging start after the default 15000 ms and rolls back', async () => {
    const h = new KernelHarness({ servers: [{ name: 'hangs', start: { hangs: true } }, { name: 'ok' }] });
    const result = await h.run();
    expect(h.timeOf('hangs start aborted')).toBe(15_000);
    expect(h.servers[1]!.stops).toEqual([15_000]);
    expect(result.ok || result.error.code).toBe('KRATOS_START_TIMEOUT');
  });
});
