// The public surface of @kratos-ts/amqp. Named exports only; types as `export type`.

export { AmqpConnection, type AmqpConnectionState, type AmqpPublishOptions } from './amqp-connection.js';
export { AMQP_CONNECTION_DEFAULTS, type AmqpConnectionOptions } from './amqp-connection-options.js';
export { amqpConsumer, ATTEMPT_HEADER, type AmqpConsumerOptions } from './amqp-consumer.js';
export { AmqpErrorCode } from './amqp-error-codes.js';
