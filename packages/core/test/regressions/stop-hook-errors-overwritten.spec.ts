import { describe, expect, it } from '@jest/globals';
import { fakeHook, fakeServer, virtualKernel } from '@kratos-ts/testing';

// Kratos #3110: App.Stop assigned each beforeStop hook's error to the same `err`, so a later hook's
// result (even nil) overwrote an earlier failure.
describe('Kratos defect: errors from stop hooks overwritten (#3110)', () => {
  it('keeps the error of an early beforeStop hook when a later one succeeds', async () => {
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'a' })],
      hooks: [
        fakeHook('beforeStop', 'fails', { fails: new Error('flush failed') }),
        fakeHook('beforeStop', 'succeeds'),
        fakeHook('afterStop', 'also-fails', { fails: new Error('close failed') }),
      ],
    });
    const result = await vk.run(() => vk.signalAt(10));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errors.map((e) => ((e as Error).cause as Error).message)).toEqual([
      'flush failed',
      'close failed',
    ]);
  });
});
