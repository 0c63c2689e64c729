import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';

// Calling kernel.stop() from an events$ subscriber when the stop-requested event arrived re-entered
// the stop request before it was recorded: 722 nested calls, a RangeError, the kernel stuck in
// `stopping` and the server never stopped.
describe('stop() from an events$ subscriber', () => {
  it('a re-entrant stop() is the same idempotent stop: one stop-requested event, the server stopped once', async () => {
    const api = fakeServer({ name: 'api', start: 10 });
    const vk = virtualKernel({ servers: [api] });
    const stops: Promise<void>[] = [];
    vk.kernel.events$.subscribe((event) => {
      if (event.type === 'stop-requested') stops.push(vk.kernel.stop('again'));
    });
    const result = await vk.run(() => vk.stopAt(100, 'first'));
    expect(result).toEqual({ ok: true });
    expect(stops).toHaveLength(1);
    await expect(Promise.all(stops)).resolves.toEqual([undefined]);
    const requested = vk.events.flatMap(({ event }) =>
      event.type === 'stop-requested' ? [event.reason] : [],
    );
    expect(requested).toEqual(['first']);
    expect(api.stops).toEqual([100]);
    expect(vk.kernel.state).toBe('stopped');
  });

  it('so is stop() from a state$ subscriber at stopping, and from a signal during the start', async () => {
    const api = fakeServer({ name: 'api', start: 50 });
    const vk = virtualKernel({ servers: [api] });
    vk.kernel.state$.subscribe((state) => {
      if (state === 'stopping') void vk.kernel.stop('from state$');
    });
    vk.kernel.events$.subscribe((event) => {
      if (event.type === 'stop-requested') void vk.kernel.stop('from events$');
    });
    const result = await vk.run(() => vk.signalAt(20));
    expect(result).toEqual({ ok: true });
    const requested = vk.events.filter(({ event }) => event.type === 'stop-requested');
    expect(requested).toHaveLength(1);
    expect(vk.kernel.state).toBe('stopped');
  });
});
