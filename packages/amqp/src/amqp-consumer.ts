import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { KratosError, safeLogger, silentLogger, type Logger } from '@kratos-ts/core';
import {
  checkKnownKeys,
  checkLogger,
  checkOptionsObject,
  describeError,
  invalidOptions,
} from '@kratos-ts/core/internal';
import type { ConsumerAdapter, ConsumerSubscription, ConsumeOptions, Delivery } from '@kratos-ts/consumer';
import type { AmqpConnection } from './amqp-connection.js';
import { AmqpErrorCode } from './amqp-error-codes.js';

/**
 * The header counting the deliveries of a message to a handler: 1 + how many times a handler failed
 * on it. A retry republishes the message with it incremented, then acks the original.
 */
export const ATTEMPT_HEADER = 'x-attempt';

/** What `amqpConsumer(connection, options)` takes beside the connection. */
export interface AmqpConsumerOptions {
  /** Where it logs a channel it could not reopen after a reconnection. Default: nothing. */
  readonly logger?: Logger;
}

/**
 * The RabbitMQ side of a `ConsumerServer`: each `consume()` opens a confirm channel on the shared
 * connection with `basic.qos(prefetch)` and `basic.consume` (manual acks). `stopFetching` is
 * `basic.cancel`; `requeue` is `basic.nack` with requeue; `retry` republishes the message to its
 * queue with `x-attempt` + 1 (confirmed) then acks it; `deadLetter` is `basic.nack` without requeue,
 * which RabbitMQ routes to the queue's `x-dead-letter-exchange`. After a reconnection, the consumer
 * reopens its channel and consumes again, unless it is stopping.
 *
 * @example
 * new ConsumerServer({ adapter: amqpConsumer(amqp), queue: 'greetings', handler });
 */
export function amqpConsumer(connection: AmqpConnection, options: AmqpConsumerOptions = {}): ConsumerAdapter {
  const problems: string[] = [];
  const raw = checkOptionsObject(problems, 'the options', options, '{ logger }');
  checkKnownKeys(problems, raw, ['logger']);
  checkLogger(problems, 'logger', raw['logger']);
  if (problems.length > 0) throw invalidOptions(AmqpErrorCode.InvalidOptions, 'amqpConsumer', problems);
  const logger = safeLogger((raw['logger'] as Logger | undefined) ?? silentLogger);
  return { system: 'rabbitmq', consume: (consumeOptions) => consume(connection, consumeOptions, logger) };
}

async function consume(
  connection: AmqpConnection,
  options: ConsumeOptions,
  logger: Logger,
): Promise<ConsumerSubscription> {
  const { queue, prefetch, deliver } = options;
  if (typeof queue !== 'string' || queue === '') {
    throw new KratosError(
      AmqpErrorCode.InvalidOptions,
      `amqpConsumer needs a non-empty queue name, got ${JSON.stringify(queue)}.`,
    );
  }
  connection.assertUsable(`consume from "${queue}"`);
  let channel: ConfirmChannel | undefined;
  let consumerTag: string | undefined;
  let fetching = true;
  let closed = false;

  const attach = async (): Promise<void> => {
    const opened = await connection.createChannel();
    try {
      await opened.prefetch(prefetch);
      channel = opened;
      opened.on('close', () => {
        if (channel === opened) {
          channel = undefined;
          consumerTag = undefined;
        }
      });
      const reply = await opened.consume(
        queue,
        (message) => {
          // null: the broker cancelled the consumer (the queue was deleted); nothing to hand over.
          if (message !== null) deliver(toDelivery(opened, queue, message));
        },
        { noAck: false },
      );
      consumerTag = reply.consumerTag;
      // Stopped while consume was on its way: cancel it now.
      if (!fetching || closed) await opened.cancel(reply.consumerTag).catch(() => undefined);
      // Closed while it was reopening (after a reconnection): close() found no channel to close.
      if (closed && channel === opened) {
        channel = undefined;
        await opened.close().catch(() => undefined);
      }
    } catch (error) {
      await opened.close().catch(() => undefined);
      throw error;
    }
  };

  const unsubscribe = connection.onReconnect(() => {
    if (!fetching || closed) return;
    attach().catch((error: unknown) =>
      logger.warn(
        { queue, err: describeError(error) },
        `Could not consume from "${queue}" again after the reconnection: ${describeError(error)}.`,
      ),
    );
  });
  try {
    await attach();
  } catch (error) {
    unsubscribe();
    throw error;
  }

  return {
    stopFetching: async () => {
      fetching = false;
      const [current, tag] = [channel, consumerTag];
      if (current !== undefined && tag !== undefined) await current.cancel(tag);
    },
    close: async () => {
      closed = true;
      unsubscribe();
      const current = channel;
      channel = undefined;
      if (current !== undefined) await current.close();
    },
  };
}

function toDelivery(channel: ConfirmChannel, queue: string, message: ConsumeMessage): Delivery {
  return new AmqpDelivery(channel, queue, message);
}

/**
 * A RabbitMQ delivery: settled on the channel it came on. A class, not an object of closures: one
 * allocation per message instead of six.
 */
class AmqpDelivery implements Delivery {
  readonly id: string;
  readonly body: Uint8Array;
  readonly attempt: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly #channel: ConfirmChannel;
  readonly #queue: string;
  readonly #message: ConsumeMessage;

  constructor(channel: ConfirmChannel, queue: string, message: ConsumeMessage) {
    const { properties, fields, content } = message;
    const headers: Record<string, unknown> = properties.headers ?? {};
    const counted = Number(headers[ATTEMPT_HEADER]);
    const messageId: unknown = properties.messageId;
    this.id =
      typeof messageId === 'string' && messageId !== '' ? messageId : `${queue}#${fields.deliveryTag}`;
    this.body = content;
    this.attempt = Number.isInteger(counted) && counted >= 1 ? counted : 1;
    this.headers = headers;
    this.#channel = channel;
    this.#queue = queue;
    this.#message = message;
  }

  ack(): Promise<void> {
    // amqplib throws at once on a closed channel: a promise that rejects, for the consumer to log.
    try {
      this.#channel.ack(this.#message);
      return RESOLVED;
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  requeue(): Promise<void> {
    return settled(() => this.#channel.nack(this.#message, false, true));
  }

  deadLetter(): Promise<void> {
    return settled(() => this.#channel.nack(this.#message, false, false));
  }

  /** Republishes the message with `x-attempt` + 1, confirmed, then acks the original. */
  retry(): Promise<void> {
    const { content, properties } = this.#message;
    return new Promise<void>((resolve, reject) => {
      try {
        this.#channel.sendToQueue(
          this.#queue,
          content,
          {
            ...properties,
            persistent: true,
            headers: { ...this.headers, [ATTEMPT_HEADER]: this.attempt + 1 },
          },
          (error: unknown) => {
            if (error) {
              reject(asError(error));
              return;
            }
            // The next attempt is on the broker: the original goes.
            this.ack().then(resolve, reject);
          },
        );
      } catch (error) {
        reject(asError(error));
      }
    });
  }
}

const RESOLVED = Promise.resolve();

/** Runs a settlement that throws on a closed channel: a promise that rejects instead. */
function settled(act: () => void): Promise<void> {
  try {
    act();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(asError(error));
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(describeError(error));
}
