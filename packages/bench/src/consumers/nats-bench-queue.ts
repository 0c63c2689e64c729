import { NatsConnection, natsConsumer } from '@kratos-ts/nats';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection as NatsClient } from '@nats-io/transport-node';
import type { StopBenchQueue } from './stop-times.js';

/** A JetStream stream of the bench's own with a durable pull consumer, and how to fill it. */
export interface NatsBenchQueue extends StopBenchQueue {
  /** The project's connection the adapter consumes on. */
  readonly connection: NatsConnection;
  /** A bare nats.js client (for the baseline consumer). */
  readonly bare: NatsClient;
  /** The bare client's JetStream API. */
  readonly js: JetStreamClient;
  /** The stream's name (and subject). */
  readonly stream: string;
  /** Deletes the stream and closes both connections. */
  close(): Promise<void>;
}

/**
 * Creates the stream `name` (subject `name`) and, on every `refill(count)`, purges it, publishes
 * `count` JSON `{ id, name }` messages (publish acks awaited) and makes a fresh durable pull
 * consumer (explicit ack, default `ack_wait`) that `queue` then names: each round starts with no
 * delivery state left by the previous one.
 */
export async function natsBenchQueue(url: string, name: string): Promise<NatsBenchQueue> {
  const bare = await connect({ servers: url });
  const jsm = await jetstreamManager(bare);
  const js = jetstream(bare);
  await jsm.streams.add({ name, subjects: [name] });
  const connection = new NatsConnection({ url });
  await connection.open(AbortSignal.timeout(10_000));
  let round = 0;
  let durable = '';
  return {
    adapter: natsConsumer(connection, { stream: name }),
    get queue() {
      return durable;
    },
    stream: name,
    connection,
    bare,
    js,
    refill: async (count) => {
      if (durable !== '') await jsm.consumers.delete(name, durable).catch(() => undefined);
      await jsm.streams.purge(name);
      for (let from = 0; from < count; from += 500) {
        const acks: Promise<unknown>[] = [];
        for (let i = from; i < Math.min(count, from + 500); i += 1) {
          acks.push(js.publish(name, JSON.stringify({ id: `b${i}`, name: 'bench' })));
        }
        await Promise.all(acks);
      }
      round += 1;
      durable = `bench${round}`;
      await jsm.consumers.add(name, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        max_deliver: -1,
      });
    },
    close: async () => {
      await jsm.streams.delete(name).catch(() => undefined);
      await bare.close();
      await connection.close(AbortSignal.timeout(5_000));
    },
  };
}
