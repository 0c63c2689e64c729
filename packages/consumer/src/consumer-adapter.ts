/**
 * One message as the broker handed it over, and the four ways to settle it. A consumer settles
 * each delivery exactly once. Each method may return a promise (the broker's answer); a rejection
 * is logged (`KRATOS_CONSUMER_SETTLE_FAILED`) and the broker redelivers the message on its own.
 */
export interface Delivery {
  /** Names the message in logs: the message id when it has one, else what the broker numbers it by. */
  readonly id: string;
  /** The raw payload, given to the decoder. */
  readonly body: Uint8Array;
  /**
   * Which delivery this is, from 1: 1 + how many times a handler failed on it (`retry()`). The
   * consumer dead-letters a message whose handler fails on attempt `maxAttempts`.
   */
  readonly attempt: number;
  /**
   * The message's headers (AMQP headers; NATS headers, the first value of each), where a publisher
   * puts its trace context (`traceparent`, `tracestate`): the consumer's span is linked to it.
   * Left out by an adapter whose messages have none.
   */
  readonly headers?: Readonly<Record<string, unknown>> | undefined;
  /** The handler succeeded: remove the message (AMQP `basic.ack`; JetStream `ack()`). */
  ack(): unknown;
  /**
   * Give the message back now, no attempt spent: it was not handled (delivered while stopping, or
   * its handler was abandoned at `stopTimeout`), so another instance takes it at once (AMQP
   * `basic.nack` with requeue; JetStream `nak()`), not after an ack timeout.
   */
  requeue(): unknown;
  /**
   * The handler failed: give the message back so that it is delivered again with `attempt + 1`
   * (AMQP: republish with the count and ack, or nack on a quorum queue; JetStream `nak()`, whose
   * delivery count is the attempt).
   */
  retry(): unknown;
  /**
   * Give up on the message: move it to the dead-letter queue or subject (AMQP `basic.nack` without
   * requeue towards a dead-letter exchange; JetStream: publish to the dead subject, then `term()`).
   * `reason` says why, for a header or the log.
   */
  deadLetter(reason: string): unknown;
}

/** What `ConsumerAdapter.consume` is given. */
export interface ConsumeOptions {
  /** The queue (AMQP) or subject/durable consumer (JetStream) to consume from. */
  readonly queue: string;
  /**
   * How many messages the broker may hand over before any is settled (AMQP `basic.qos`; the
   * JetStream pull batch). The bound on what a SIGKILL can cause to be delivered twice.
   */
  readonly prefetch: number;
  /** Hand every message to this, in the order the broker delivers them. It never throws. */
  readonly deliver: (delivery: Delivery) => void;
  /** Aborts at the server's `startTimeout`: give up opening the subscription then, and reject. */
  readonly signal: AbortSignal;
}

/** An open subscription, as `ConsumerAdapter.consume` resolves it. */
export interface ConsumerSubscription {
  /**
   * Stop receiving new messages, at once (AMQP `basic.cancel`; JetStream: stop pulling). Deliveries
   * already on their way may still arrive: they are returned (`requeue()`). Called once, first
   * thing in a stop.
   */
  stopFetching(): unknown;
  /**
   * Close the channel or subscription, once every message has been settled. `signal` aborts at
   * `stopTimeout`: give up then (the broker may be unreachable). Called once, last thing in a stop.
   */
  close(signal: AbortSignal): unknown;
}

/**
 * The broker side of a `ConsumerServer`: what `@kratos-ts/amqp` (RabbitMQ) and `@kratos-ts/nats`
 * (JetStream) implement. It owns the connection, the channel and reconnection; the consumer owns
 * the drain: when to run handlers, and how each message is settled.
 *
 * @example
 * const adapter: ConsumerAdapter = {
 *   async consume({ queue, prefetch, deliver }) {
 *     const sub = await broker.subscribe(queue, { prefetch }, (msg) => deliver(toDelivery(msg)));
 *     return { stopFetching: () => sub.cancel(), close: () => sub.close() };
 *   },
 * };
 */
export interface ConsumerAdapter {
  /**
   * The broker, as OpenTelemetry's `messaging.system` names it (`rabbitmq`, `nats`): an attribute
   * of the consumer's spans and metrics. Left out: the attribute is.
   */
  readonly system?: string | undefined;
  /**
   * Opens a consuming subscription with at most `prefetch` unsettled messages and resolves once
   * messages flow to `deliver`. Rejects when it cannot (the cause is kept in
   * `KRATOS_CONSUMER_SUBSCRIBE_FAILED`) or when `signal` aborts.
   */
  consume(options: ConsumeOptions): PromiseLike<ConsumerSubscription>;
}
