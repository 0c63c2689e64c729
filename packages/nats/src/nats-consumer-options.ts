/** What `natsConsumer(connection, options)` takes. */
export interface NatsConsumerOptions {
  /** The stream the durable pull consumer (the `ConsumerServer`'s `queue`) belongs to. Required. */
  readonly stream: string;
  /**
   * The subject dead letters are published to (with JetStream acks; a stream must take it).
   * Default `<stream>.dead`, e.g. `greetings.dead`.
   */
  readonly deadLetterSubject?: string;
  /** How long one pull waits on the server for messages, in ms. Default 5 000. */
  readonly pullExpiresMs?: number;
  /**
   * How long a stop waits for the server to end its pulls (a round trip on the pull inbox, so that
   * what it sent just before is returned rather than held until `ack_wait`), in ms. Default 5 000.
   * A dead letter's publish is bounded by the connection's `publishTimeoutMs`.
   */
  readonly settleTimeoutMs?: number;
}

/** The defaults of `NatsConsumerOptions`. */
export const NATS_CONSUMER_DEFAULTS = Object.freeze({
  /** How long one pull waits on the server, in ms. */
  pullExpiresMs: 5_000,
  /** How long a stop waits for the server to end its pulls, in ms. */
  settleTimeoutMs: 5_000,
  /** The wait before pulling again after a failed pull, in ms (doubles up to 5 s). */
  pullRetryMs: 100,
});
