import { describe, expect, it } from '@jest/globals';
import { KernelHarness, namedHook } from '../support/kernel-harness.js';

// Kratos #3226: afterStop hooks received the app context, already cancelled by then, so any I/O
// they did with it failed at once.
describe('Kratos defect: afterStop hooks get a cancelled context (#3226)', () => {
  it('hands afterStop hooks a live signal, also after a forced stop', async () => {
    const h: KernelHarness = new KernelHarness({
      options: { name: 'test', stopTimeout: 100 },
      servers: [{ name: 'a', stop: { hangs: true, onAbort: 'resolve' } }],
      hooks: [namedHook(() => h, 'afterStop', 'close', { ms: 50 })],
    });
    const result = await h.run(() => h.signalAt(0));
    expect(h.linesWith('close')).toEqual(['100 close live', '150 close done']);
    expect(result).toEqual({ ok: true });
  });
});
