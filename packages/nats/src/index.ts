// The public surface of @kratos-ts/nats. Named exports only; types as `export type`.

export { NatsConnection, type NatsConnectionPhase, type NatsPublishOptions } from './nats-connection.js';
export { NATS_CONNECTION_DEFAULTS, type NatsConnectionOptions } from './nats-connection-options.js';
export { natsConsumer } from './nats-consumer.js';
export { NATS_CONSUMER_DEFAULTS, type NatsConsumerOptions } from './nats-consumer-options.js';
export { DEAD_LETTER_HEADERS } from './nats-delivery.js';
export { NatsErrorCode } from './nats-error-codes.js';
