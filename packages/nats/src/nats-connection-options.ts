import type { Logger } from '@kratos-ts/core';

/** What `new NatsConnection(options)` takes. */
export interface NatsConnectionOptions {
  /**
   * The server, `nats://[user:password@]host:port`. Required. Credentials in it are used to log in
   * and never logged: every echo of the URL is redacted.
   */
  readonly url: string;
  /** The client name the server shows (`/connz`). Default `kratos-ts`. */
  readonly name?: string;
  /** The first reconnect delay after a loss, in ms; it doubles up to `reconnectMaxMs`. Default 100. */
  readonly reconnectInitialMs?: number;
  /** The largest reconnect delay, in ms. Default 5 000. Reconnection never gives up. */
  readonly reconnectMaxMs?: number;
  /** How long `publish()` waits for the JetStream publish ack, in ms. Default 5 000. */
  readonly publishTimeoutMs?: number;
  /** Where loss, recovery and pull failures are logged. Default: nothing. */
  readonly logger?: Logger;
}

/** The defaults of `NatsConnectionOptions`. */
export const NATS_CONNECTION_DEFAULTS = Object.freeze({
  /** The client name the server shows. */
  name: 'kratos-ts',
  /** The first reconnect delay, in ms. */
  reconnectInitialMs: 100,
  /** The largest reconnect delay, in ms. */
  reconnectMaxMs: 5_000,
  /** How long a publish waits for its ack, in ms. */
  publishTimeoutMs: 5_000,
});
