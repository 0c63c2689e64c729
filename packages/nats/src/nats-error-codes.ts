/**
 * Every code a `KratosError` of `@kratos-ts/nats` can carry, and the `code` field of its log lines.
 * Stable: match on these, not on messages.
 *
 * @example
 * if (isKratosError(error) && error.code === NatsErrorCode.PublishFailed) { ... }
 */
export const NatsErrorCode = {
  /**
   * `new NatsConnection(options)`, `natsConsumer(...)` or `publish(...)` was given invalid input (an
   * unknown key, an empty URL, stream or subject, a bad duration); the message lists every problem.
   */
  InvalidOptions: 'KRATOS_NATS_INVALID_OPTIONS',
  /** `open()` could not connect to the server, or its signal aborted first. The cause is kept. */
  ConnectFailed: 'KRATOS_NATS_CONNECT_FAILED',
  /** The connection was used (publish, consume) before `open()` or after `close()`. */
  NotOpen: 'KRATOS_NATS_NOT_OPEN',
  /**
   * `publish()` was not confirmed: JetStream did not answer with a publish ack (no stream takes the
   * subject, the server is unreachable, the timeout passed). The message may not be stored.
   */
  PublishFailed: 'KRATOS_NATS_PUBLISH_FAILED',
  /** The code of the warning logged once when the connection to the server is lost. Never thrown. */
  ConnectionLost: 'KRATOS_NATS_CONNECTION_LOST',
  /** The code of the info line logged once when the connection is back after a loss. Never thrown. */
  ConnectionRecovered: 'KRATOS_NATS_CONNECTION_RECOVERED',
  /** The code of the warning logged when a pull from JetStream failed; the pull is retried. Never thrown. */
  PullFailed: 'KRATOS_NATS_PULL_FAILED',
} as const;

/** One of the `NatsErrorCode` values. */
export type NatsErrorCode = (typeof NatsErrorCode)[keyof typeof NatsErrorCode];
