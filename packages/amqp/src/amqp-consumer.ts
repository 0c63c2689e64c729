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
  const { properties, fields, content } = message;
  const headers: Record<string, unknown> = { ...(properties.headers ?? {}) };
  const counted = Number(headers[ATTEMPT_HEADER]);
  const attempt = Number.isInteger(counted) && counted >= 1 ? counted : 1;
  const messageId: unknown = properties.messageId;
  // amqplib throws at once on a closed channel: a promise that rejects, for the consumer to log.
  const settle = (act: () => void): Promise<void> => {
    try {
      act();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(describeError(error)));
    }
  };
  return {
    id: typeof messageId === 'string' && messageId !== '' ? messageId : `${queue}#${fields.deliveryTag}`,
    body: content,
    attempt,
    headers,
    ack: () => settle(() => channel.ack(message)),
    requeue: () => settle(() => channel.nack(message, false, true)),
    retry: () =>
      new Promise<void>((resolve, reject) => {
        try {
          channel.sendToQueue(
            queue,
            content,
            { ...properties, persistent: true, headers: { ...headers, [ATTEMPT_HEADER]: attempt + 1 } },
            (error: unknown) => {
              if (error) {
                reject(error instanceof Error ? error : new Error(describeError(error)));
                return;
              }
              // The next attempt is on the broker: the original goes.
              settle(() => channel.ack(message)).then(resolve, reject);
            },
          );
        } catch (error) {
          reject(error instanceof Error ? error : new Error(describeError(error)));
        }
      }),
    deadLetter: () => settle(() => channel.nack(message, false, false)),
  };
}
