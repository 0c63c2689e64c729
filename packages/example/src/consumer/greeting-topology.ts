import type { Channel } from 'amqplib';
import { AckPolicy, type JetStreamManager } from '@nats-io/jetstream';

// The names other tools rely on (issue 15, "The example, exactly"). A publisher, the bench and the
// tests declare the same topology with these functions: RabbitMQ refuses a second declaration of a
// queue whose arguments differ, so there is one definition.

/** The RabbitMQ queues and NATS subjects and streams of the greeter's consumer. */
export const GREETINGS = Object.freeze({
  /** Input: the queue (RabbitMQ) and subject (NATS) of `{ id, name }` requests. */
  input: 'greetings',
  /** Output: the queue (RabbitMQ) and subject (NATS) of `{ id, message, instance }` replies. */
  done: 'greetings.done',
  /** Dead letters: the queue (RabbitMQ) and subject (NATS) of messages given up on. */
  dead: 'greetings.dead',
  /** NATS: the streams of the three subjects. */
  streams: Object.freeze({ input: 'greetings', done: 'greetings-done', dead: 'greetings-dead' }),
  /** NATS: the durable pull consumer on the input stream. */
  durable: 'greeter',
});

/**
 * Declares the greeter's durable queues on RabbitMQ: `greetings` (dead-letters to
 * `greetings.dead` through the default exchange), `greetings.done` and `greetings.dead`.
 * Idempotent; run on every connection (`AmqpConnection`'s `topology` option).
 */
export async function declareAmqpGreetings(channel: Channel): Promise<void> {
  await channel.assertQueue(GREETINGS.dead, { durable: true });
  await channel.assertQueue(GREETINGS.done, { durable: true });
  await channel.assertQueue(GREETINGS.input, {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': GREETINGS.dead },
  });
}

/**
 * Creates what is missing of the greeter's JetStream topology: the streams `greetings`,
 * `greetings-done` and `greetings-dead` (one subject each) and the durable pull consumer `greeter`
 * on `greetings` (explicit acks; redelivery is bounded by the consumer's `maxAttempts`, so
 * JetStream's own `max_deliver` is unlimited). What exists is left as it is.
 */
export async function ensureNatsGreetings(jsm: JetStreamManager): Promise<void> {
  const { streams } = GREETINGS;
  for (const [name, subject] of [
    [streams.input, GREETINGS.input],
    [streams.done, GREETINGS.done],
    [streams.dead, GREETINGS.dead],
  ] as const) {
    if (!(await exists(() => jsm.streams.info(name)))) await jsm.streams.add({ name, subjects: [subject] });
  }
  if (!(await exists(() => jsm.consumers.info(streams.input, GREETINGS.durable)))) {
    await jsm.consumers.add(streams.input, {
      durable_name: GREETINGS.durable,
      ack_policy: AckPolicy.Explicit,
      max_deliver: -1,
    });
  }
}

/** `lookup()` resolved: true; JetStream said "not found": false; anything else is thrown. */
async function exists(lookup: () => Promise<unknown>): Promise<boolean> {
  try {
    await lookup();
    return true;
  } catch (error) {
    if (/not found/i.test(String((error as Error | undefined)?.message))) return false;
    throw error;
  }
}
