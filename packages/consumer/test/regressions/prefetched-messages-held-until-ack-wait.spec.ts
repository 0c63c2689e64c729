import { describe, expect, it } from '@jest/globals';
import { ConsumerServer } from '@kratos-ts/consumer';
import { MemoryBroker } from '../support/memory-broker.js';
import { VirtualClock } from '../support/virtual-clock.js';

// JasperFx/wolverine#4039 (NATS JetStream), and amqplib left to itself: a stopping consumer kept
// the messages it had prefetched but not started until its stop ended (or until `ack_wait`, 30 s),
// so the rest of the fleet idled, then got a burst of redeliveries. They must go back to the broker
// at the instant the stop begins, while the running handler is still draining.

describe('regression: prefetched messages are held until the stop ends (wolverine#4039)', () => {
  it('returns the unstarted messages at the instant the stop begins', async () => {
    const clock = new VirtualClock();
    const broker = new MemoryBroker(() => clock.now());
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: broker.adapter,
      queue: 'greetings',
      prefetch: 5,
      concurrency: 1,
      handler: (_message, { signal }) => clock.sleep(1_000, signal),
    });
    await consumer.start(new AbortController().signal);
    for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) broker.publish(id);
    await clock.advanceTo(10);

    void consumer.stop(clock.signalAt(30_000));
    await clock.advanceTo(10);

    expect(broker.ready.map((message) => message.id)).toEqual(['m2', 'm3', 'm4', 'm5']);
    expect(broker.unacked).toBe(1);
    await clock.advanceTo(2_000);
    expect(broker.acked).toEqual(['m1']);
  });
});
