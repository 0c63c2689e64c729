import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ensureNatsGreetings, GREETINGS } from '@kratos-ts/example/greeting-topology';
import { settleWithin, type GreetingBrokerSide, type GreetingSink } from './greeting-broker-side.js';

/**
 * The NATS JetStream side of the traffic, with nats.js directly (the test's independent side): one
 * connection that reconnects forever, JetStream publishes with `msgID` = the greeting's id (so a
 * retried publish the stream already has is not stored twice), and a durable pull consumer of its
 * own on `greetings-done` and on `greetings-dead` (new messages only, explicit ack), deleted on
 * `close()`. A `greetings.done` message read again after a reconnect is reported once (by stream
 * sequence).
 */
export async function natsGreetingSide(url: string, sink: GreetingSink): Promise<GreetingBrokerSide> {
  const client = await connect({
    servers: url,
    name: 'greeting-traffic',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
  });
  const token = randomUUID().slice(0, 8);
  const readers: ConsumerMessages[] = [];
  const durables: [stream: string, name: string][] = [];
  try {
    const jsm: JetStreamManager = await jetstreamManager(client);
    await ensureNatsGreetings(jsm);
    const js = jetstream(client);
    const seen = new Set<number>();
    const follow = async (stream: string, take: (message: JsMsg) => void): Promise<void> => {
      const name = `traffic-${token}-${stream}`;
      await jsm.consumers.add(stream, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        max_deliver: -1,
      });
      durables.push([stream, name]);
      const reader = await (await js.consumers.get(stream, name)).consume({ max_messages: 500 });
      readers.push(reader);
      void (async () => {
        for await (const message of reader) {
          take(message);
          message.ack();
        }
      })().catch(() => undefined); // stopped on close()
    };
    await follow(GREETINGS.streams.done, (message) => {
      if (seen.has(message.seq)) return;
      seen.add(message.seq);
      sink.done(message.string());
    });
    await follow(GREETINGS.streams.dead, (message) => {
      const headers: Record<string, string> = {};
      for (const key of message.headers?.keys() ?? []) headers[key] = message.headers?.get(key) ?? '';
      sink.dead({ body: message.string(), headers });
    });
    return {
      publish: async (body, messageId) => {
        await js.publish(GREETINGS.input, body, {
          timeout: 2_000,
          ...(messageId ? { msgID: messageId } : {}),
        });
      },
      close: async () => {
        for (const reader of readers) reader.stop();
        for (const [stream, name] of durables) await settleWithin(jsm.consumers.delete(stream, name), 2_000);
        await settleWithin(client.close(), 3_000);
      },
    };
  } catch (error) {
    for (const reader of readers) reader.stop();
    await settleWithin(client.close(), 3_000);
    throw error;
  }
}
