/**
 * Every code a `KratosError` of `@kratos-ts/amqp` can carry, and the `code` field of the log lines
 * it writes when the broker is lost and found again. Stable: match on these, not on messages.
 *
 * @example
 * if (isKratosError(error) && error.code === AmqpErrorCode.PublishNotConfirmed) { ... }
 */
export const AmqpErrorCode = {
  /**
   * `new AmqpConnection(options)` or `amqpConsumer(...)` was given invalid options (an unknown key,
   * an empty URL, a delay that is no duration …); the message lists every problem.
   */
  InvalidOptions: 'KRATOS_AMQP_INVALID_OPTIONS',
  /** `open()` could not connect to the broker (its error is the `cause`), or its signal aborted first. */
  ConnectFailed: 'KRATOS_AMQP_CONNECT_FAILED',
  /**
   * `publish()` or `consume()` was called on a connection that is not open: never opened, or
   * closed already (after `close()`, e.g. by the `@AfterStop` hook).
   */
  NotOpen: 'KRATOS_AMQP_NOT_OPEN',
  /**
   * `publish()` was given an empty queue name or a body that is no bytes or string.
   */
  InvalidPublish: 'KRATOS_AMQP_INVALID_PUBLISH',
  /**
   * The broker did not confirm a published message: it nacked it, the channel or connection was
   * lost before its confirm (the broker is unreachable), or the connection closed meanwhile.
   * The message may or may not be on the broker: publish it again if it must be.
   */
  PublishNotConfirmed: 'KRATOS_AMQP_PUBLISH_NOT_CONFIRMED',
  /**
   * The `topology` option failed: at `open()` this is thrown (its error is the `cause`; the
   * connection is closed again); after a reconnection it is the code of the warning logged before
   * the connection is tried again.
   */
  TopologyFailed: 'KRATOS_AMQP_TOPOLOGY_FAILED',
  /** The code of the warning logged once when the connection to the broker is lost. Never thrown. */
  ConnectionLost: 'KRATOS_AMQP_CONNECTION_LOST',
  /** The code of the info line logged once when the connection is back after a loss. Never thrown. */
  ConnectionRecovered: 'KRATOS_AMQP_CONNECTION_RECOVERED',
} as const;

/** One of the `AmqpErrorCode` values. */
export type AmqpErrorCode = (typeof AmqpErrorCode)[keyof typeof AmqpErrorCode];
