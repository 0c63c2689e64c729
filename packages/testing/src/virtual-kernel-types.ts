import type {
  KratosError,
  KratosOptions,
  LifecycleKernel,
  Logger,
  NamedHook,
  ServiceRegistrar,
  TransportServer,
  UncaughtError,
} from '@kratos-ts/core';
import type { Container } from 'inversify';
import type { TestScheduler } from 'rxjs/testing';
import type { FakeSignals } from './fake-signals.js';
import type { FakeUncaughtErrors } from './fake-uncaught-errors.js';
import type { LogRecord } from './recording-logger.js';
import type { TimedEvent } from './timed-event.js';

/** A server for `virtualKernel`, with the name and timeouts `@Server()` would give it. */
export interface VirtualServer {
  /** The server (a `fakeServer`, or a real one). */
  readonly server: TransportServer;
  /** Default: the server's `name`, else its class name. */
  readonly name?: string;
  /** Its own start deadline in virtual ms, as `@Server({ startTimeout })`. Default: the options' `startTimeout`. */
  readonly startTimeout?: number;
  /** Its own stop deadline in virtual ms, as `@Server({ stopTimeout })`. Default: the options' `stopTimeout`. */
  readonly stopTimeout?: number;
  /** Its own drain delay in virtual ms, as `@Server({ drainDelay })`. Default: its `drainDelay`, else the options'. */
  readonly drainDelay?: number;
}

/** A registrar for `virtualKernel`, with its name. */
export interface VirtualRegistrar {
  /** The registrar (a `recordingRegistrar`, or a real one). */
  readonly registrar: ServiceRegistrar;
  /** Default: the registrar's `name`, else its class name. */
  readonly name?: string;
}

/** A virtual kernel built from parts, as `new LifecycleKernel()` would be. */
export interface VirtualKernelParts {
  /** Default `{ name: 'test' }`; every other option has its usual default. */
  readonly options?: KratosOptions;
  /** The servers to run, as they are or with a name and timeouts. Default none. */
  readonly servers?: readonly (TransportServer | VirtualServer)[];
  /** The registrars to register with, as they are or with a name. Default none. */
  readonly registrars?: readonly (ServiceRegistrar | VirtualRegistrar)[];
  /** Hooks in the order they run within their phase, after the options' hooks (`fakeHook`, or your own). */
  readonly hooks?: readonly NamedHook[];
  /** Default: a recording logger (`vk.logs`). */
  readonly logger?: Logger;
  /** Virtual ms after which `run()` gives up waiting (`KRATOS_TESTING_STALLED`). Default 24 h. */
  readonly horizon?: number;
}

/**
 * A virtual kernel taken from an app's container (after any `override`): its real wiring, hooks and
 * servers, on virtual time. `KRATOS_SCHEDULER` is bound to the virtual scheduler, so services that
 * inject it wait in virtual time too.
 */
export interface VirtualKernelOfContainer {
  /** The app's container, with `kratosModule` (or `createKratosModule(...)`) loaded and the kernel not yet resolved. */
  readonly container: Container;
  /** Virtual ms after which `run()` gives up waiting (`KRATOS_TESTING_STALLED`). Default 24 h. */
  readonly horizon?: number;
}

/** What `virtualKernel` takes. */
export type VirtualKernelSpec = VirtualKernelParts | VirtualKernelOfContainer;

/** How a virtual run ended. */
export type RunResult =
  | {
      /** `run()` resolved: a clean stop. */
      readonly ok: true;
    }
  | {
      /** `run()` rejected. */
      readonly ok: false;
      /** What it rejected with. */
      readonly error: KratosError;
    };

/** A `LifecycleKernel` on virtual time, with everything a test needs to drive and observe it. */
export interface VirtualKernel {
  /** The kernel under test; `vk.run()` calls its `run()`. */
  readonly kernel: LifecycleKernel;
  /** The virtual clock: the kernel's timeouts and the connected doubles run on it. */
  readonly scheduler: TestScheduler;
  /** The signals the kernel listens to: `signals.emit('SIGTERM')`. */
  readonly signals: FakeSignals;
  /** The uncaught errors the kernel listens to: `uncaughtErrors.emit(error)`. */
  readonly uncaughtErrors: FakeUncaughtErrors;
  /**
   * What happened, as `"<virtual ms> <what>"` lines: `state running`, `signals on SIGTERM,…`,
   * `signals off`, and what connected doubles record (`api start`, `api start resolved`,
   * `mem register`, `flush live`, `flush aborted` …), plus your own `mark()`s.
   */
  readonly timeline: readonly string[];
  /** Every kernel event with its virtual time. */
  readonly events: readonly TimedEvent[];
  /** What the kernel logged, when `virtualKernel` made its logger (no `logger`, no `LOGGER`); else empty. */
  readonly logs: readonly LogRecord[];
  /** The exit codes the kernel would have ended the process with at once. */
  readonly exits: readonly number[];
  /** The exit codes the kernel set for the process's end (after an uncaught error). */
  readonly exitCodes: readonly number[];
  /** The current virtual time (ms). */
  now(): number;
  /** Adds `"<now> <what>"` to the timeline. */
  mark(what: string): void;
  /** Runs `action` at virtual time `ms` (absolute; not before now). */
  at(ms: number, action: () => void): void;
  /** Emits `signal` (default `SIGTERM`) at virtual time `ms`. */
  signalAt(ms: number, signal?: NodeJS.Signals): void;
  /** Calls `kernel.stop(reason)` at virtual time `ms`. */
  stopAt(ms: number, reason?: string): void;
  /** Plays an uncaught error (default origin `uncaughtException`) to the kernel at virtual time `ms`. */
  uncaughtAt(ms: number, error: unknown, origin?: UncaughtError['origin']): void;
  /**
   * Starts the kernel if it is not yet, then lets virtual time run to `ms`: everything due by then
   * happens, and promises settle between instants.
   */
  advanceTo(ms: number): Promise<void>;
  /** `advanceTo(now() + ms)`. */
  advanceBy(ms: number): Promise<void>;
  /**
   * Starts the kernel if it is not yet, calls `during` (schedule signals and stops there), and lets
   * virtual time run until `run()` settles. Resolves with how it ended; rejects with
   * `KRATOS_TESTING_STALLED` (after stopping the kernel) when the kernel waits and nothing more is
   * scheduled, or when the horizon is reached.
   */
  run(during?: (vk: VirtualKernel) => void): Promise<RunResult>;
  /** The timeline lines that mention `what`. */
  linesWith(what: string): string[];
  /** The virtual time of the first line that is exactly `"<ms> <what>"`, or -1. */
  timeOf(what: string): number;
}
