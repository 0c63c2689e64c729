import { performance } from 'node:perf_hooks';
import type { NatsBenchQueue } from './nats-bench-queue.js';
import { oursThroughput } from './ours-throughput.js';

/** How the bare nats.js baseline acks: `ack()` (sent, not confirmed) or `ackAck()` (confirmed). */
export type BareNatsAck = 'ack' | 'ackAck';

/**
 * Throughput samplers on NATS JetStream, msg/s to drain `count` pre-filled messages at `prefetch`:
 * ours (`ConsumerServer` + `natsConsumer`, no-op handler, default JSON decoder; it confirms each
 * ack, as its contract says) and bare nats.js (`consumer.consume({ max_messages: prefetch })`,
 * `JSON.parse`, then `ack()` as nats.js's examples do, or `ackAck()` to compare like with like).
 * Each sample refills the stream and makes a fresh durable consumer first, untimed.
 */
export function natsThroughput(
  queue: NatsBenchQueue,
  count: number,
  prefetch: number,
): { ours: () => Promise<number>; bare: (ack: BareNatsAck) => Promise<number> } {
  return {
    ours: async () => {
      await queue.refill(count);
      return oursThroughput(queue, count, prefetch);
    },
    bare: async (ack) => {
      await queue.refill(count);
      const startedAt = performance.now();
      const consumer = await queue.js.consumers.get(queue.stream, queue.queue);
      const messages = await consumer.consume({ max_messages: prefetch });
      let handled = 0;
      let last!: () => void;
      const all = new Promise<void>((resolve) => (last = resolve));
      const count1 = (): void => {
        handled += 1;
        if (handled === count) last();
      };
      void (async () => {
        for await (const message of messages) {
          JSON.parse(message.string());
          // Counted when the ack is sent, as ours is counted when its handler ran (its ack on its way).
          if (ack === 'ack') message.ack();
          else void message.ackAck().catch(() => undefined);
          count1();
        }
      })().catch(() => undefined); // ends with close()
      await all;
      const elapsed = performance.now() - startedAt;
      await messages.close();
      return (count / elapsed) * 1_000;
    },
  };
}
