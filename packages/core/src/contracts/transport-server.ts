import type { Observable } from 'rxjs';
import type { AppInfo } from './app-info.js';
import type { LifecycleState } from './lifecycle-state.js';
import type { Logger } from './logger.js';

/**
 * The read-only view of the kernel that a server receives before it starts, so a transport can
 * answer readiness probes (`/readyz`, gRPC health) from the lifecycle state without user wiring.
 */
export interface KernelView {
  /** The application's `AppInfo` (the same object bound to `APP_INFO`). */
  readonly app: AppInfo;
  /** The current state on subscribe, then every change; completes after `stopped`/`failed`. */
  readonly state$: Observable<LifecycleState>;
  /** The state at this instant (`idle` before `run()`). */
  readonly state: LifecycleState;
  /** The application's logger, for what a server has to report outside start and stop. */
  readonly logger: Logger;
}

/**
 * A server the kernel runs (Kratos `transport.Server`). `start`/`stop` may return a Promise, an
 * Observable (its first value or its completion settles it) or nothing.
 */
export interface TransportServer {
  /** Used in logs and errors when the server is not decorated with `@Server({ name })`. */
  readonly name?: string;
  /**
   * How long (ms) the kernel waits, once deregistration is done, before stopping THIS server: the
   * time clients and load balancers take to notice the instance is gone. Absent: the app's
   * `drainDelay`. `0`: stopped as soon as deregistration is done (a consumer pulls its work and
   * gains nothing from a delay). `@Server({ drainDelay })` wins over this property. A finite
   * number >= 0, checked before anything starts.
   */
  readonly drainDelay?: number;
  /**
   * Settles once the server is ready to serve (listening). `signal` aborts at `startTimeout`, or when
   * another server failed or a stop was requested: give up starting then. Servers with the same
   * timeout share one signal, so it may abort after this start settled: remove your listeners then.
   */
  start(signal: AbortSignal): unknown;
  /**
   * Graceful stop. `signal` aborts at `stopTimeout`: finish forcibly then. A stop still unsettled 1 s
   * after that is abandoned and reported. It may resolve with a `ServerStopReport` (how many units
   * of work were given up when `signal` aborted): the kernel reports it on `events$` and logs it. As for `start`, the signal may be shared with servers of
   * the same timeout, and abort after this stop settled.
   */
  stop(signal: AbortSignal): unknown;
  /**
   * The endpoint to register (`http://10.0.0.5:8000`), asked once every server has started. An
   * asynchronous answer is awaited under the server's `startTimeout`; `signal` aborts then, or when
   * a stop is requested: give up then (the kernel no longer waits).
   */
  endpoint?(signal?: AbortSignal): string | URL | undefined | Promise<string | URL | undefined>;
  /** Called once, before `start`, with the kernel that runs this server. */
  attachKernel?(kernel: KernelView): void;
}
