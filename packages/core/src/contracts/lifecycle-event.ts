import type { HookPhase } from './hook-context.js';
import type { LifecycleState } from './lifecycle-state.js';
import type { ServerStopReport } from './server-stop-report.js';

/** How a step ended. `abandoned`: it ignored its aborted signal for a whole grace period. */
export type StepStatus = 'ok' | 'failed' | 'timeout' | 'aborted' | 'abandoned';

/** The outcome every step event of `LifecycleEvent` carries (hooks, server starts and stops, registrations). */
export interface StepEvent {
  /** How the step ended. */
  readonly status: StepStatus;
  /**
   * How long the step took, in milliseconds on the kernel's clock: `performance.now()` on the real
   * scheduler (fractions of a millisecond), an injected scheduler's `now()` otherwise.
   */
  readonly durationMs: number;
  /**
   * The coded `KratosError` the step's failure became (`KRATOS_HOOK_TIMEOUT`…, with what the step
   * threw as its `cause`); absent when the step did not fail.
   */
  readonly error?: unknown;
}

/**
 * Everything the kernel does, as it happens, on `LifecycleKernel.events$`: one object per event,
 * told apart by `type`. Step events (hooks, server starts and stops, registrations) also carry the
 * fields of `StepEvent`.
 */
export type LifecycleEvent =
  | {
      /** The kernel's state changed. */
      readonly type: 'state';
      /** The state entered. */
      readonly state: LifecycleState;
    }
  | {
      /** One of the signals in `KratosOptions.signals` arrived. */
      readonly type: 'signal';
      /** Its name, such as `SIGTERM`. */
      readonly signal: NodeJS.Signals;
    }
  | {
      /** A stop was asked for: `stop()`, a signal, an uncaught error, or a failed start. */
      readonly type: 'stop-requested';
      /** Why, as logged: the reason given to `stop(reason)` (default `stop() called`), `signal SIGTERM`… */
      readonly reason: string;
    }
  | ({
      /** A hook settled, failed, timed out or was abandoned. */
      readonly type: 'hook';
      /** The phase it ran in. */
      readonly phase: HookPhase;
      /** Its name as errors and logs use it (`beforeStart[0] warmUp`, `Lifecycle.flush`). */
      readonly hook: string;
    } & StepEvent)
  | ({
      /** A server's `start()` settled (or timed out, was aborted or abandoned). */
      readonly type: 'server-start';
      /** The server's name. */
      readonly server: string;
    } & StepEvent)
  | ({
      /** A server's `endpoint()` answered (or failed, timed out or was aborted by a stop request). */
      readonly type: 'endpoint';
      /** The server's name. */
      readonly server: string;
    } & StepEvent)
  | ({
      /** A server's `stop()` settled (or timed out or was abandoned). */
      readonly type: 'server-stop';
      /** The server's name. */
      readonly server: string;
      /**
       * What its stop resolved with, when that was a `ServerStopReport` (an object with an
       * `abandoned` count): how many units of work it gave up when its signal aborted.
       */
      readonly report?: ServerStopReport;
    } & StepEvent)
  | ({
      /** A registrar's `register()` settled. */
      readonly type: 'register';
      /** The registrar's name. */
      readonly registrar: string;
    } & StepEvent)
  | ({
      /** A registrar's `deregister()` settled. */
      readonly type: 'deregister';
      /** The registrar's name. */
      readonly registrar: string;
    } & StepEvent)
  | {
      /**
       * The drain is over: the longest drain delay of the servers (`drainDelay`, the app's or a
       * server's own) has passed since deregistration, and the last servers are told to stop next.
       * Servers with a shorter delay (a consumer's 0) were told at their own time. Not emitted
       * when every delay is 0.
       */
      readonly type: 'drain';
      /** How long it lasted (the longest delay), in milliseconds. */
      readonly durationMs: number;
    };
