import type { Logger } from '@kratos-ts/core';
import type { ConsumerAdapter } from './consumer-adapter.js';
import type { ConsumerHandler, MessageDecoder } from './consumer-handler.js';

/** What `new ConsumerServer(options)` takes. */
export interface ConsumerServerOptions<T = unknown> {
  /** The broker side: `amqpConsumer(...)` from `@kratos-ts/amqp`, `natsConsumer(...)` from `@kratos-ts/nats`. */
  readonly adapter: ConsumerAdapter;
  /** The queue (AMQP) or durable consumer (JetStream) to consume from. Required, non-empty. */
  readonly queue: string;
  /** Handles each decoded message; resolves → ack, throws → retry, then dead-letter. */
  readonly handler: ConsumerHandler<T>;
  /** Its name in the kernel's logs and events. Default `consumer:<queue>`. */
  readonly name?: string;
  /**
   * How many messages the broker may hand over before any is settled. Default
   * `CONSUMER_DEFAULTS.prefetch` (10). Also the bound on duplicates after a SIGKILL.
   */
  readonly prefetch?: number;
  /**
   * How many handlers run at once, at most `prefetch`. Default: `prefetch`. With fewer, the other
   * prefetched messages wait their turn, and go back to the broker at once on a stop.
   */
  readonly concurrency?: number;
  /**
   * How many times a message is handed to the handler before it is dead-lettered. Default
   * `CONSUMER_DEFAULTS.maxAttempts` (5); 1 means no retry.
   */
  readonly maxAttempts?: number;
  /** Turns the bytes into the message. Default: UTF-8 JSON (`jsonDecoder`). Throwing → dead-letter at once. */
  readonly decode?: MessageDecoder<T>;
  /** Where it logs. Default: the kernel's logger once attached, else nothing. */
  readonly logger?: Logger;
}

/** The defaults of `ConsumerServerOptions`. */
export const CONSUMER_DEFAULTS = Object.freeze({
  /** Messages the broker may hand over before any is settled. */
  prefetch: 10,
  /** Deliveries of a failing message before it is dead-lettered. */
  maxAttempts: 5,
});
