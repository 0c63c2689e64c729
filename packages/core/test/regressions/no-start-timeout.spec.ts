import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';

// Kratos has no start timeout: a Start that blocks before serving hangs Run forever.
describe('Kratos defect: no start timeout', () => {
  it('gives up on a hanging start after the default 15000 ms and rolls back', async () => {
    const ok = fakeServer({ name: 'ok' });
    const vk = virtualKernel({ servers: [fakeServer({ name: 'hangs', start: { hangs: true } }), ok] });
    const result = await vk.run();
    expect(vk.timeOf('hangs start aborted')).toBe(15_000);
    expect(ok.stops).toEqual([15_000]);
    expect(result.ok || result.error.code).toBe('KRATOS_START_TIMEOUT');
  });
});
