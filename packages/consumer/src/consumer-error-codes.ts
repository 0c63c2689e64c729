/**
 * Every code a `KratosError` of `@kratos-ts/consumer` can carry, and the `code` field of the log
 * lines it writes for a message it gives up on. Stable: match on these, not on messages.
 *
 * @example
 * if (isKratosError(error) && error.code === ConsumerErrorCode.InvalidOptions) { ... }
 */
export const ConsumerErrorCode = {
  /**
   * `new ConsumerServer(options)` was given invalid options (an unknown key, a prefetch <= 0, an
   * empty queue name, a handler that is no function …); the message lists every problem.
   */
  InvalidOptions: 'KRATOS_CONSUMER_INVALID_OPTIONS',
  /** `start()` was called while the consumer was already starting, consuming or stopping. */
  AlreadyStarted: 'KRATOS_CONSUMER_ALREADY_STARTED',
  /**
   * `start()` could not open the subscription: the adapter's `consume()` rejected (its error is the
   * `cause`) or had not resolved when the start signal aborted (`startTimeout`).
   */
  SubscribeFailed: 'KRATOS_CONSUMER_SUBSCRIBE_FAILED',
  /**
   * The code of the warning logged when a handler failed on a message that has attempts left: it
   * goes back to the broker for another attempt (`retry()`). Never thrown.
   */
  HandlerFailed: 'KRATOS_CONSUMER_HANDLER_FAILED',
  /**
   * The code of the error log line written when a message is dead-lettered: it could not be
   * decoded (at once, no retries), or its handler failed `maxAttempts` times. Never thrown.
   */
  MessageDeadLettered: 'KRATOS_CONSUMER_MESSAGE_DEAD_LETTERED',
  /**
   * The code of the warning logged when the adapter failed to ack, return or dead-letter a message
   * (its channel was lost, the broker is down): the broker redelivers it after its own timeout.
   * Never thrown.
   */
  SettleFailed: 'KRATOS_CONSUMER_SETTLE_FAILED',
  /**
   * The code of the error logged when the subscription's `stopFetching()` or `close()` failed or
   * had not finished by `stopTimeout` during a stop. The stop still ends. Never thrown.
   */
  CloseFailed: 'KRATOS_CONSUMER_CLOSE_FAILED',
} as const;

/** One of the `ConsumerErrorCode` values. */
export type ConsumerErrorCode = (typeof ConsumerErrorCode)[keyof typeof ConsumerErrorCode];
