import type { Channel } from 'amqplib';
import type { Logger } from '@kratos-ts/core';

/** What `new AmqpConnection(options)` takes. */
export interface AmqpConnectionOptions {
  /**
   * The broker's URL, `amqp://user:password@host:5672/vhost` (amqplib's syntax). Required,
   * non-empty. Its password never appears in a log or an error (it is redacted).
   */
  readonly url: string;
  /** Where it logs the loss and recovery of the broker. Default: nothing. */
  readonly logger?: Logger;
  /** The first delay before reconnecting after a loss, in ms; it doubles per failed attempt. Default 100. */
  readonly reconnectMinDelay?: number;
  /** The longest delay between two reconnection attempts, in ms. Default 5000. */
  readonly reconnectMaxDelay?: number;
  /** The AMQP heartbeat in seconds: how soon a silent broker is noticed lost. Default 10. */
  readonly heartbeat?: number;
  /**
   * How long `publish()` waits for the broker's confirm, in ms, before it rejects with
   * `KRATOS_AMQP_PUBLISH_NOT_CONFIRMED`. Without it, a broker that stops answering with its socket
   * open would be noticed only after missed heartbeats (~3 × `heartbeat`). Default 5000.
   */
  readonly publishTimeout?: number;
  /**
   * Declares the queues and exchanges the process uses, on every connection: at `open()` (a
   * failure fails the open, `KRATOS_AMQP_TOPOLOGY_FAILED`) and after each reconnection, before
   * consumers resume (a failure is logged with that code and the connection is tried again). A
   * broker that came back without its data (no persistent volume) so gets its queues back before
   * anyone consumes or publishes. Given a channel that is closed afterwards; declarations must be
   * idempotent (`assertQueue`, `assertExchange`, `bindQueue`). Default: none.
   *
   * @example
   * topology: async (channel) => {
   *   await channel.assertQueue('greetings', { durable: true });
   * }
   */
  readonly topology?: (channel: Channel) => PromiseLike<void> | void;
}

/** The defaults of `AmqpConnectionOptions`. */
export const AMQP_CONNECTION_DEFAULTS = Object.freeze({
  /** The first reconnection delay (ms). */
  reconnectMinDelay: 100,
  /** The longest reconnection delay (ms). */
  reconnectMaxDelay: 5_000,
  /** The AMQP heartbeat (s). */
  heartbeat: 10,
  /** How long a publish waits for its confirm (ms). */
  publishTimeout: 5_000,
});
