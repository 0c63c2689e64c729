import { kratosTracer, producerSpan, type ProducerSpan } from '@kratos-ts/core/internal';

const tracer = kratosTracer('@kratos-ts/amqp');

/**
 * The PRODUCER span `publish <destination>` of `AmqpConnection.publish` (see `producerSpan`), with
 * RabbitMQ's attributes.
 *
 * @param exchange The exchange; `''` (the default exchange) makes the routing key (the queue) the destination.
 */
export function publishSpan(
  exchange: string,
  routingKey: string,
  messageId: string | undefined,
): ProducerSpan {
  const destination = exchange === '' ? routingKey : exchange;
  return producerSpan(tracer, destination, () => ({
    'messaging.system': 'rabbitmq',
    'messaging.destination.name': destination,
    'messaging.rabbitmq.destination.routing_key': routingKey,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'publish',
    ...(messageId === undefined ? {} : { 'messaging.message.id': messageId }),
  }));
}
