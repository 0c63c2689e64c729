import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { connect as connectAmqp } from 'amqplib';
import { declareAmqpGreetings, ensureNatsGreetings, GREETINGS } from '@kratos-ts/example/greeting-topology';
import type { GreetingBrokerKind } from './greeting-traffic.js';

/**
 * Empties the example's topology on the broker, with no instance running: RabbitMQ's three queues
 * are declared and purged; NATS's three streams are made and purged, and the durable consumer
 * `greeter` is made anew with the example's configuration but `ackWaitMs` (JetStream redelivers a
 * SIGKILLed instance's unacked messages only after it; the example leaves an existing consumer as
 * it is).
 */
export async function resetGreetings(
  kind: GreetingBrokerKind,
  url: string,
  ackWaitMs: number,
): Promise<void> {
  if (kind === 'amqp') {
    const model = await connectAmqp(url);
    try {
      const channel = await model.createChannel();
      await declareAmqpGreetings(channel);
      for (const queue of [GREETINGS.input, GREETINGS.done, GREETINGS.dead]) await channel.purgeQueue(queue);
    } finally {
      await model.close();
    }
    return;
  }
  const client = await connectNats({ servers: url });
  try {
    const jsm = await jetstreamManager(client);
    await ensureNatsGreetings(jsm);
    for (const stream of Object.values(GREETINGS.streams)) await jsm.streams.purge(stream);
    await jsm.consumers.delete(GREETINGS.streams.input, GREETINGS.durable);
    await jsm.consumers.add(GREETINGS.streams.input, {
      durable_name: GREETINGS.durable,
      ack_policy: AckPolicy.Explicit,
      max_deliver: -1,
      ack_wait: ackWaitMs * 1_000_000,
    });
  } finally {
    await client.close();
  }
}
