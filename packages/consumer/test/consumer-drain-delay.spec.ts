import { describe, expect, it } from '@jest/globals';
import { rig } from './support/kernel-rig.js';

// A consumer has no drain delay (its drainDelay property is 0): under core's per-server drainDelay,
// the kernel stops it as soon as deregistration is done, while HTTP/gRPC servers wait out the app's.

describe('ConsumerServer drain delay under the kernel', () => {
  it('stops the consumer as soon as deregistration is done, while an HTTP-like server waits out the drain delay', async () => {
    const { vk, broker } = rig({ api: true, drainDelay: 5_000, handlerMs: 10 });
    broker.publish('m1');

    const result = await vk.run(() => vk.signalAt(50));

    expect(result).toEqual({ ok: true });
    const deregistered = vk.timeOf('mem deregister');
    expect(deregistered).toBeGreaterThanOrEqual(50);
    expect(broker.log).toContain(`${deregistered} stopFetching`);
    expect(broker.log).toContain(`${deregistered} close`);
    expect(vk.timeOf('api stop')).toBe(deregistered + 5_000);
  });
});
