/**
 * How the SDK's shutdown ended: `flushed` (every span and metric handed to the exporters was sent
 * or refused by the collector, nothing left pending), `failed` (the shutdown rejected: `error`),
 * `timeout` (not settled within `shutdownTimeout`: what was pending is lost, and an exporter may
 * still hold a socket or retry timer that keeps the process alive: exit it explicitly).
 */
export interface TelemetryShutdown {
  /** How it ended. */
  readonly status: 'flushed' | 'failed' | 'timeout';
  /** How long it took, in milliseconds (the bound itself on `timeout`). */
  readonly durationMs: number;
  /** What the shutdown rejected with, when `failed`. */
  readonly error?: unknown;
}
