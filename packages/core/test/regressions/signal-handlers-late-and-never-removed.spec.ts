import { describe, expect, it } from '@jest/globals';
import { KernelHarness } from '../support/kernel-harness.js';

// Kratos calls signal.Notify only after every server has started (a signal during a slow start
// kills the process the default way) and never calls signal.Stop.
describe('Kratos defect: signal handlers installed late and never removed', () => {
  it('listens from run() on, handles a signal during start, and removes the listeners at the end', async () => {
    const h = new KernelHarness({ servers: [{ name: 'slow', start: { ms: 10_000 } }] });
    const result = await h.run(() => h.signalAt(5));
    expect(h.timeOf('signals on SIGTERM,SIGINT')).toBe(0);
    expect(result).toEqual({ ok: true });
    expect(h.listening).toBeUndefined();
    expect(h.timeline.at(-2)).toBe('5 signals off');
  });
});
