import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { declareAmqpGreetings, GREETINGS } from '@kratos-ts/example/greeting-topology';
import { settleWithin, type GreetingBrokerSide, type GreetingSink } from './greeting-broker-side.js';

/**
 * The RabbitMQ side of the traffic, with amqplib directly (the test's independent side): one
 * connection, a confirm channel to publish on, a channel that consumes `greetings.done` and
 * `greetings.dead` and acks what it read. A lost connection is reopened (every 100 ms, up to 1 s
 * apart) until `close()`; publishes meanwhile reject, so the traffic retries them.
 */
export async function amqpGreetingSide(url: string, sink: GreetingSink): Promise<GreetingBrokerSide> {
  let model: ChannelModel | undefined;
  let publisher: ConfirmChannel | undefined;
  let closing = false;
  let reconnecting: Promise<void> | undefined;

  const open = async (): Promise<void> => {
    const opened = await connect(url);
    try {
      opened.on('error', () => undefined); // 'close' follows; reconnecting is done there
      const confirm = await opened.createConfirmChannel();
      confirm.on('error', () => undefined);
      await declareAmqpGreetings(confirm);
      const reader = await opened.createChannel();
      reader.on('error', () => undefined);
      await reader.prefetch(500);
      await reader.consume(GREETINGS.done, (message) => read(reader, message, (m) => sink.done(text(m))));
      await reader.consume(GREETINGS.dead, (message) =>
        read(reader, message, (m) => sink.dead({ body: text(m), headers: headersOf(m) })),
      );
      opened.once('close', () => {
        model = undefined;
        publisher = undefined;
        if (!closing) reconnecting ??= reconnect();
      });
      model = opened;
      publisher = confirm;
    } catch (error) {
      await settleWithin(opened.close(), 2_000);
      throw error;
    }
  };
  const reconnect = async (): Promise<void> => {
    for (let delay = 100; !closing; delay = Math.min(delay * 2, 1_000)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (closing) break;
      try {
        await open();
        break;
      } catch {
        // the broker is still away: try again
      }
    }
    reconnecting = undefined;
  };

  await open();
  return {
    publish: (body, messageId) =>
      new Promise<void>((resolve, reject) => {
        const channel = publisher;
        if (!channel) return reject(new Error('not connected to RabbitMQ'));
        try {
          channel.sendToQueue(
            GREETINGS.input,
            Buffer.from(body),
            { persistent: true, contentType: 'application/json', ...(messageId ? { messageId } : {}) },
            (error: unknown) =>
              error
                ? reject(new Error('RabbitMQ did not confirm the greeting', { cause: error }))
                : resolve(),
          );
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error))); // the channel closed under us
        }
      }),
    close: async () => {
      closing = true;
      await settleWithin(reconnecting ?? Promise.resolve(), 2_000);
      if (model) await settleWithin(model.close(), 3_000);
    },
  };
}

function read(
  channel: Channel,
  message: ConsumeMessage | null,
  take: (message: ConsumeMessage) => void,
): void {
  if (message === null) return; // the queue was deleted: nothing more comes
  take(message);
  try {
    channel.ack(message);
  } catch {
    // the channel closed: the message comes back on the next connection
  }
}

function text(message: ConsumeMessage): string {
  return message.content.toString('utf8');
}

function headersOf(message: ConsumeMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(message.properties.headers ?? {})) {
    headers[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return headers;
}
