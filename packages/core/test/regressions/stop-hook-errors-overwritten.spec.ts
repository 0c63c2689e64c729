import { describe, expect, it } from '@jest/globals';
import { KernelHarness, namedHook } from '../support/kernel-harness.js';

// Kratos #3110: App.Stop assigned each beforeStop hook's error to the same `err`, so a later hook's
// result (even nil) overwrote an earlier failure.
describe('Kratos defect: errors from stop hooks overwritten (#3110)', () => {
  it('keeps the error of an early beforeStop hook when a later one succeeds', async () => {
    const h: KernelHarness = new KernelHarness({
      servers: [{ name: 'a' }],
      hooks: [
        namedHook(() => h, 'beforeStop', 'fails', { fails: new Error('flush failed') }),
        namedHook(() => h, 'beforeStop', 'succeeds'),
        namedHook(() => h, 'afterStop', 'also-fails', { fails: new Error('close failed') }),
      ],
    });
    const result = await h.run(() => h.signalAt(10));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errors!.map((e) => ((e as Error).cause as Error).message)).toEqual([
      'flush failed',
      'close failed',
    ]);
  });
});
