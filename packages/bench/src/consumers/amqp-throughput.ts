import { performance } from 'node:perf_hooks';
import type { AmqpBenchQueue } from './amqp-bench-queue.js';
import { oursThroughput } from './ours-throughput.js';

/**
 * One throughput sampler pair on RabbitMQ, msg/s to drain `count` pre-filled messages at `prefetch`:
 * ours (`ConsumerServer` + `amqpConsumer`, no-op handler, default JSON decoder) and bare amqplib
 * (a channel, `prefetch`, `consume`, `JSON.parse` and `ack` per message: what a user writes alone).
 * Each sample refills the queue first, untimed.
 */
export function amqpThroughput(
  queue: AmqpBenchQueue,
  count: number,
  prefetch: number,
): { ours: () => Promise<number>; bare: () => Promise<number> } {
  return {
    ours: async () => {
      await queue.refill(count);
      return oursThroughput(queue, count, prefetch);
    },
    bare: async () => {
      await queue.refill(count);
      const startedAt = performance.now();
      const channel = await queue.bare.createChannel();
      await channel.prefetch(prefetch);
      let handled = 0;
      let elapsed = 0;
      await new Promise<void>((resolve, reject) => {
        channel
          .consume(
            queue.queue,
            (message) => {
              if (message === null) return;
              JSON.parse(message.content.toString('utf8'));
              channel.ack(message);
              handled += 1;
              if (handled === count) {
                elapsed = performance.now() - startedAt;
                resolve();
              }
            },
            { noAck: false },
          )
          .catch(reject);
      });
      await channel.close();
      return (count / elapsed) * 1_000;
    },
  };
}
