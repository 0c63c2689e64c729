import type { Readable } from 'node:stream';
import type { ClientRequestTelemetry } from '../telemetry/client-request-telemetry.js';
import type { RequestStop } from './request-stop.js';
import type { ResolvedHttpRequest } from './resolve-http-request.js';

/** Where one request of the HTTP client stands: what its attempts and its messages read. */
export interface RequestRun {
  /** The request's options, checked. */
  readonly request: ResolvedHttpRequest;
  /** Stops the request: its deadline, its caller's signal or the client's `close()`. */
  readonly stop: RequestStop;
  /** `stream()`: a body not retried may be handed over as a stream. */
  readonly streaming: boolean;
  /** Endpoints attempted, in order (each once). */
  readonly tried: Set<string>;
  /** Every finished attempt's error (a 5xx response counts, as an Error naming the status). */
  readonly errors: unknown[];
  /** Attempts started so far. */
  attempts: number;
  /** The last 503 response, returned when the attempts after it fail too. */
  unavailable: Answer | undefined;
  /** Its span and metrics; `undefined` when there is nothing to record (no OpenTelemetry SDK). */
  readonly telemetry?: ClientRequestTelemetry | undefined;
}

/** A response, its body read (`request()`) or streamed (`stream()`). */
export interface Answer {
  /** The response's status. */
  readonly statusCode: number;
  /** The response's headers. */
  readonly headers: Record<string, string | string[] | undefined>;
  /** Read in full (a Buffer), or handed over as a stream. */
  readonly body: Buffer | Readable;
  /** The endpoint that answered. */
  readonly node: string;
}
