import { describe, expect, it } from '@jest/globals';
import { fakeHook, fakeServer, virtualKernel } from '@kratos-ts/testing';

// Kratos #3226: afterStop hooks received the app context, already cancelled by then, so any I/O
// they did with it failed at once.
describe('Kratos defect: afterStop hooks get a cancelled context (#3226)', () => {
  it('hands afterStop hooks a live signal, also after a forced stop', async () => {
    const vk = virtualKernel({
      options: { name: 'test', stopTimeout: 100 },
      servers: [fakeServer({ name: 'a', stop: { hangs: true, onAbort: 'resolve' } })],
      hooks: [fakeHook('afterStop', 'close', { ms: 50 })],
    });
    const result = await vk.run(() => vk.signalAt(0));
    expect(vk.linesWith('close')).toEqual(['100 close live', '150 close done']);
    expect(result).toEqual({ ok: true });
  });
});
