import { AmqpConnection, amqpConsumer } from '@kratos-ts/amqp';
import { connect, type ChannelModel } from 'amqplib';
import type { StopBenchQueue } from './stop-times.js';

/** A durable RabbitMQ queue of the bench's own, the connections around it, and how to fill it. */
export interface AmqpBenchQueue extends StopBenchQueue {
  /** The project's connection the adapter consumes on. */
  readonly connection: AmqpConnection;
  /** A bare amqplib connection (for the baseline consumer). */
  readonly bare: ChannelModel;
  /** Deletes the queue and closes both connections. */
  close(): Promise<void>;
}

/**
 * Declares the durable queue `name` (no dead-lettering: the bench's handlers do not fail) and
 * opens an `AmqpConnection` and a bare amqplib connection to `url`. `refill(count)` purges it and
 * publishes `count` persistent JSON `{ id, name }` messages, waiting for every publisher confirm.
 */
export async function amqpBenchQueue(url: string, name: string): Promise<AmqpBenchQueue> {
  const bare = await connect(url);
  const channel = await bare.createConfirmChannel();
  await channel.assertQueue(name, { durable: true });
  const connection = new AmqpConnection({ url });
  await connection.open(AbortSignal.timeout(10_000));
  return {
    adapter: amqpConsumer(connection),
    queue: name,
    connection,
    bare,
    refill: async (count) => {
      await channel.purgeQueue(name);
      for (let i = 0; i < count; i += 1) {
        const body = Buffer.from(JSON.stringify({ id: `b${i}`, name: 'bench' }));
        if (!channel.sendToQueue(name, body, { persistent: true, contentType: 'application/json' })) {
          await new Promise((resolve) => channel.once('drain', resolve));
        }
      }
      await channel.waitForConfirms();
    },
    close: async () => {
      await channel.deleteQueue(name).catch(() => undefined);
      await bare.close().catch(() => undefined);
      await connection.close(AbortSignal.timeout(5_000));
    },
  };
}
