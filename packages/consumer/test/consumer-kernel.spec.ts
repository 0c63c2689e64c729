import { describe, expect, it } from '@jest/globals';
import { rig } from './support/kernel-rig.js';

// ConsumerServer under the real kernel, on virtual time: the kernel's stop sequence, deregistration
// and drain delays, with the in-memory adapter double as the broker.

describe('ConsumerServer under the kernel', () => {
  it('drains on SIGTERM: stops fetching, returns the unstarted, acks the running, closes, exits cleanly', async () => {
    const { vk, broker } = rig();
    for (const id of ['m1', 'm2', 'm3']) broker.publish(id);

    const result = await vk.run(() => vk.signalAt(50));

    expect(result).toEqual({ ok: true });
    expect(vk.linesWith('handle')).toEqual(['0 handle m1']);
    const afterSignal = broker.log.filter((line) => Number(line.split(' ')[0]) >= 50);
    expect(afterSignal).toEqual([
      '50 stopFetching',
      '50 requeue m2',
      '50 requeue m3',
      '100 ack m1',
      '100 close',
    ]);
    expect(broker.ready.map((message) => message.id)).toEqual(['m2', 'm3']);
    expect(vk.events).toContainEqual({
      at: 100,
      event: expect.objectContaining({
        type: 'server-stop',
        server: 'consumer:greetings',
        status: 'ok',
      }) as unknown,
    });
  });

  it('registers no endpoint for the consumer', async () => {
    const { vk } = rig({ api: true });

    await vk.advanceTo(10);

    expect(vk.kernel.app.endpoints).toEqual(['fake://127.0.0.1/api']);
    await vk.run(() => vk.stopAt(20));
  });

  it('at stopTimeout returns the running messages, and the kernel reports { abandoned } on its server-stop event', async () => {
    const { vk, broker } = rig({ handlerMs: 60_000, stopTimeout: 1_000 });
    broker.publish('m1');

    const result = await vk.run(() => vk.signalAt(50));

    expect(result).toEqual({ ok: true });
    expect(broker.acked).toEqual([]);
    expect(broker.ready.map((message) => message.id)).toEqual(['m1']);
    expect(broker.log).toContain('1050 requeue m1');
    const stop = vk.events.find(({ event }) => event.type === 'server-stop');
    expect(stop?.event).toMatchObject({ server: 'consumer:greetings', report: { abandoned: 1 } });
    expect(vk.logs.some((record) => record.level === 'warn' && /abandoned|1/.test(record.msg))).toBe(true);
  });
});
