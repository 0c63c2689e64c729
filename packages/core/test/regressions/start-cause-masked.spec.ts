import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';

// Kratos #2977: when one server failed to start, the errgroup cancelled the others and Run could
// return their "context canceled" instead of the real cause.
describe('Kratos defect: the real cause of a failed start masked (#2977)', () => {
  it('rejects with the failing server and its own error, not the aborted siblings', async () => {
    const cause = Object.assign(new Error('listen tcp :8000: bind: address already in use'), {
      code: 'EADDRINUSE',
    });
    const vk = virtualKernel({
      servers: [
        fakeServer({ name: 'grpc', start: { ms: 100 } }),
        fakeServer({ name: 'http', start: { ms: 5, fails: cause } }),
        fakeServer({ name: 'consumer', start: { ms: 100 } }),
      ],
    });
    const result = await vk.run();
    expect(vk.linesWith('start aborted')).toEqual(['5 grpc start aborted', '5 consumer start aborted']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_START_FAILED');
    expect(result.error.message).toContain('Server "http" failed to start: listen tcp :8000');
    expect(result.error.cause).toBe(cause);
    expect(result.error.message).not.toMatch(/aborted|cancel/i);
  });
});
