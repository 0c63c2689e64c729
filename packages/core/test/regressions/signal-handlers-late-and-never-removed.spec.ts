import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';

// Kratos calls signal.Notify only after every server has started (a signal during a slow start
// kills the process the default way) and never calls signal.Stop.
describe('Kratos defect: signal handlers installed late and never removed', () => {
  it('listens from run() on, handles a signal during start, and removes the listeners at the end', async () => {
    const vk = virtualKernel({
      options: { name: 'test', signals: ['SIGTERM', 'SIGINT'] },
      servers: [fakeServer({ name: 'slow', start: { ms: 10_000 } })],
    });
    const result = await vk.run(() => vk.signalAt(5));
    expect(vk.timeOf('signals on SIGTERM,SIGINT')).toBe(0);
    expect(result).toEqual({ ok: true });
    expect(vk.signals.listening).toBeUndefined();
    expect(vk.timeline.at(-2)).toBe('5 signals off');
  });
});
