import { describe, expect, it } from '@jest/globals';
import { ConsumerServer } from '@kratos-ts/consumer';
import { MemoryBroker } from '../support/memory-broker.js';
import { VirtualClock } from '../support/virtual-clock.js';

// kratos-transport#37 and nestjs/nest#4076: the consumer's stop closed the channel (or reader) at
// once, while handlers were still running: their acks were lost ("unable to commit msg: context
// canceled") and the messages were consumed again by the next instance. The close must come after
// every running handler has finished and been acked.

describe('regression: the channel is closed before the running handlers ack (kratos-transport#37, nest#4076)', () => {
  it('acks every running handler before it closes the channel', async () => {
    const clock = new VirtualClock();
    const broker = new MemoryBroker(() => clock.now());
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: broker.adapter,
      queue: 'greetings',
      prefetch: 2,
      handler: (message, { signal }) => clock.sleep(message.id === 'a' ? 40 : 80, signal),
    });
    await consumer.start(new AbortController().signal);
    broker.publish('a');
    broker.publish('b');
    await clock.advanceTo(10);

    void consumer.stop(clock.signalAt(30_000));
    await clock.advanceTo(200);

    const after = broker.log.filter((line) => !line.startsWith('0 '));
    expect(after).toEqual(['10 stopFetching', '40 ack a', '80 ack b', '80 close']);
    expect(broker.acked).toEqual(['a', 'b']);
    expect(broker.ready).toEqual([]);
  });
});
