import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { connect as connectAmqp } from 'amqplib';
import type { GreetingBrokerKind } from '../../../bench/src/consumers/greeting-traffic.js';
import { GREETINGS } from '../../src/consumer/greeting-topology.js';

/**
 * Resolves once every greeting published so far has left `greetings` for the consumer and waits
 * for its ack (RabbitMQ: no message ready in the queue while a consumer is on it; JetStream: none
 * pending for `greeter`, at least one awaiting its ack). Throws after `timeoutMs`.
 */
export async function inFlight(kind: GreetingBrokerKind, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const poll = async (look: () => Promise<{ done: boolean; seen: string }>): Promise<void> => {
    for (;;) {
      const { done, seen } = await look();
      if (done) return;
      if (Date.now() > deadline)
        throw new Error(`the greeting was not in flight within ${timeoutMs} ms: ${seen}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  if (kind === 'amqp') {
    const connection = await connectAmqp(url);
    try {
      const channel = await connection.createChannel();
      await poll(async () => {
        const { messageCount, consumerCount } = await channel.checkQueue(GREETINGS.input);
        return {
          done: messageCount === 0 && consumerCount > 0,
          seen: JSON.stringify({ messageCount, consumerCount }),
        };
      });
    } finally {
      await connection.close();
    }
    return;
  }
  const client = await connectNats({ servers: url });
  try {
    const jsm = await jetstreamManager(client);
    await poll(async () => {
      const info = await jsm.consumers.info(GREETINGS.streams.input, GREETINGS.durable);
      return {
        done: info.num_pending === 0 && info.num_ack_pending > 0,
        seen: JSON.stringify({ pending: info.num_pending, ackPending: info.num_ack_pending }),
      };
    });
  } finally {
    await client.close();
  }
}
