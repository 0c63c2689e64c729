import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel, type VirtualKernel } from '@kratos-ts/testing';
import type { NamedHook } from '../../src/index.js';

// stop() called synchronously from inside run() (here, by a synchronous beforeStart hook) used to
// find no run in progress and do nothing, so the app went on to `running`.
describe('stop() from a synchronous beforeStart hook', () => {
  it('aborts the start like a signal: the app never runs, the server is never left started', async () => {
    const stopAtOnce: NamedHook = {
      phase: 'beforeStart',
      name: 'stop-at-once',
      run: () => void vk.kernel.stop('the hook asked'),
    };
    const vk: VirtualKernel = virtualKernel({
      servers: [fakeServer({ name: 'http', start: 10 })],
      hooks: [stopAtOnce],
    });
    await vk.run();
    const states = vk.events.flatMap(({ event }) => (event.type === 'state' ? [event.state] : []));
    expect(states).not.toContain('running');
    expect(vk.events.map(({ event }) => event.type)).toContain('stop-requested');
    expect(vk.kernel.state === 'stopped' || vk.kernel.state === 'failed').toBe(true);
  });
});
