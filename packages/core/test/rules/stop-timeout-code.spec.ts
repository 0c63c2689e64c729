import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';

describe('rule 12: a stop that outlives its stopTimeout', () => {
  it('is reported as KRATOS_STOP_TIMEOUT even when the forced stop rejects, with that rejection as cause', async () => {
    const server = fakeServer({ name: 'slow', stop: { hangs: true, onAbort: 'reject' } });
    const vk = virtualKernel({
      options: { name: 'test', signals: ['SIGTERM'] },
      servers: [{ server, name: 'slow', stopTimeout: 300 }],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_STOP_TIMEOUT');
    expect(result.error.message).toContain('Server "slow" did not stop within 300 ms (stopTimeout)');
    expect(result.error.cause).toMatchObject({ name: 'TimeoutError' });
    expect(vk.timeOf('state stopped') === -1 ? vk.timeOf('state failed') : vk.timeOf('state stopped')).toBe(
      400,
    );
  });
});
