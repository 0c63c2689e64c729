/** What a `ConsumerHandler` is given beside the decoded message. */
export interface HandlerContext {
  /**
   * Aborts when the consumer gives up on this handler: the stop signal aborted (`stopTimeout`) and
   * the message was returned to the broker. Stop working then; whatever the handler does after
   * that is not acked.
   */
  readonly signal: AbortSignal;
  /** The message's id, as in the consumer's logs. */
  readonly id: string;
  /** Which delivery this is, from 1 (see `Delivery.attempt`). */
  readonly attempt: number;
}

/**
 * Handles one message. Resolves → the message is acked. Throws or rejects → it is retried, up to
 * `maxAttempts`, then dead-lettered.
 *
 * @example
 * const handler: ConsumerHandler<{ id: string; name: string }> = async (message, { signal }) => {
 *   await greeter.greet(message.name, { signal });
 * };
 */
export type ConsumerHandler<T> = (message: T, context: HandlerContext) => PromiseLike<void> | void;

/**
 * Turns a delivery's bytes into the handler's message. Throwing means the message can never be
 * handled: it is dead-lettered at once, without retries.
 */
export type MessageDecoder<T> = (body: Uint8Array, id: string) => T;
