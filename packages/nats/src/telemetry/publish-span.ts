import { kratosTracer, producerSpan, type ProducerSpan } from '@kratos-ts/core/internal';

const tracer = kratosTracer('@kratos-ts/nats');

/** The PRODUCER span `publish <subject>` of `NatsConnection.publish` (see `producerSpan`), with NATS' attributes. */
export function publishSpan(subject: string, msgId: string | undefined): ProducerSpan {
  return producerSpan(tracer, subject, () => ({
    'messaging.system': 'nats',
    'messaging.destination.name': subject,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'publish',
    ...(msgId === undefined ? {} : { 'messaging.message.id': msgId }),
  }));
}
