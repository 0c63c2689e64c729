import { describe, expect, it } from '@jest/globals';
import { GRPCUnavailableError } from 'etcd3';
import { boundedRetryPolicy, passThroughPolicy, watchBackoff } from '../../src/fault-handling.js';

describe('etcd3 fault handling', () => {
  it("bounds etcd3's retries: one call plus `retries` more on network errors", async () => {
    let calls = 0;
    const failing = (): never => {
      calls += 1;
      throw new GRPCUnavailableError('down');
    };
    await expect(boundedRetryPolicy(2).execute(failing)).rejects.toThrow('down');
    expect(calls).toBe(3);
  });

  it('does not retry errors etcd answered with', async () => {
    let calls = 0;
    await expect(
      boundedRetryPolicy(5).execute(() => {
        calls += 1;
        throw new Error('permission denied');
      }),
    ).rejects.toThrow('permission denied');
    expect(calls).toBe(1);
  });

  it('lets every call through to the host (no 5 s circuit breaker)', async () => {
    const policy = passThroughPolicy();
    for (let i = 0; i < 5; i += 1)
      await expect(policy.execute(() => Promise.reject(new GRPCUnavailableError('x')))).rejects.toThrow();
    await expect(policy.execute(() => 'answered')).resolves.toBe('answered');
  });

  it("caps etcd3's watch-reconnect backoff instead of its 30 s default", () => {
    let backoff = watchBackoff({ initial: 100, max: 1_000, jitter: 0 }).next(undefined);
    const durations: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      durations.push(backoff.duration);
      backoff = backoff.next(undefined) ?? backoff;
    }
    expect(durations).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});
