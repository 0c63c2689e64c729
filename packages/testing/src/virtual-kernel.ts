import {
  KratosError,
  LifecycleKernel,
  REGISTRAR,
  SERVER,
  type KratosOptions,
  type Logger,
  type NamedHook,
  type RegistrarEntry,
  type ServerDeclaration,
  type ServiceRegistrar,
  type TransportServer,
  type UncaughtError,
} from '@kratos-ts/core';
import type { Container } from 'inversify';
import { deepStrictEqual } from 'node:assert';
import { setImmediate } from 'node:timers';
import { TestScheduler } from 'rxjs/testing';
import { connectAll, registerKernelClock, type Clock } from './clock.js';
import { containerState } from './container-state.js';
import { fakeSignals, type FakeSignals } from './fake-signals.js';
import { fakeUncaughtErrors, type FakeUncaughtErrors } from './fake-uncaught-errors.js';
import { recordingLogger, type LogRecord } from './recording-logger.js';
import { takeKernel } from './take-kernel.js';
import { TestingErrorCode } from './testing-error-codes.js';
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

const DEFAULT_HORIZON = 24 * 60 * 60 * 1000;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A `LifecycleKernel` on an RxJS `TestScheduler`, driven by fake signals: a test of hooks,
 * timeouts and stop order that takes microseconds. Virtual time runs instant by instant and lets
 * promises settle in between, so `async` hooks work; code that waits on real time (`setTimeout`,
 * I/O) does not advance with it: make it wait on the scheduler (inject `KRATOS_SCHEDULER`).
 *
 * `fakeServer`, `recordingRegistrar` and `fakeHook` doubles it runs (given as parts; or, from a
 * container, bound to `SERVER`/`REGISTRAR` or by `override`, and any `FakeServer`) run on its clock
 * and write to its timeline.
 *
 * @example
 * const api = fakeServer({ name: 'api', start: 30 });
 * const vk = virtualKernel({ servers: [api], registrars: [recordingRegistrar({ name: 'mem' })] });
 * const result = await vk.run(() => vk.signalAt(100));
 * expect(result).toEqual({ ok: true });
 * expect(vk.timeOf('state running')).toBe(30);
 * expect(vk.timeOf('mem deregister')).toBe(100);
 */
export function virtualKernel(spec: VirtualKernelSpec = {}): VirtualKernel {
  return new VirtualKernelRun(spec);
}

class VirtualKernelRun implements VirtualKernel {
  readonly kernel: LifecycleKernel;
  readonly scheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
  readonly signals: FakeSignals;
  readonly uncaughtErrors: FakeUncaughtErrors;
  readonly timeline: string[] = [];
  readonly events: TimedEvent[] = [];
  readonly logs: readonly LogRecord[];
  readonly exits: number[];
  readonly exitCodes: number[];
  readonly #horizon: number;
  #outcome: RunResult | undefined;
  #started = false;

  constructor(spec: VirtualKernelSpec) {
    const clock: Clock = { scheduler: this.scheduler, record: (what) => this.mark(what) };
    const now = (): number => this.scheduler.now();
    this.#horizon = spec.horizon ?? DEFAULT_HORIZON;
    if ('container' in spec) {
      const taken = takeKernel(spec.container, 'virtualKernel', { scheduler: this.scheduler, now });
      this.kernel = taken.kernel;
      this.signals = taken.signals;
      this.uncaughtErrors = taken.uncaughtErrors;
      this.exits = taken.exits;
      this.exitCodes = taken.exitCodes;
      this.logs = taken.logger?.records ?? [];
      connectAll([this.signals, ...doublesOf(spec.container)], clock);
    } else {
      let logger: Logger;
      if (spec.logger) {
        logger = spec.logger;
        this.logs = [];
      } else {
        const recording = recordingLogger(now);
        logger = recording;
        this.logs = recording.records;
      }
      this.signals = fakeSignals();
      this.uncaughtErrors = fakeUncaughtErrors();
      this.exits = [];
      this.exitCodes = [];
      const servers = (spec.servers ?? []).map(serverDeclaration);
      const registrars = (spec.registrars ?? []).map(registrarEntry);
      const hooks = spec.hooks ?? [];
      connectAll(
        [this.signals, ...servers.map((s) => s.server), ...registrars.map((r) => r.registrar), ...hooks],
        clock,
      );
      this.kernel = new LifecycleKernel({
        options: spec.options ?? { name: 'test' },
        servers,
        registrars,
        hooks,
        logger,
        scheduler: this.scheduler,
        signalSource: this.signals,
        uncaughtErrorSource: this.uncaughtErrors,
        exit: (code) => void this.exits.push(code),
        setExitCode: (code) => void this.exitCodes.push(code),
      });
    }
    registerKernelClock(this.kernel, clock);
    this.kernel.events$.subscribe((event) => {
      this.events.push({ at: now(), event });
      if (event.type === 'state') this.mark(`state ${event.state}`);
    });
  }

  now(): number {
    return this.scheduler.now();
  }

  mark(what: string): void {
    this.timeline.push(`${this.scheduler.now()} ${what}`);
  }

  at(ms: number, action: () => void): void {
    const delay = ms - this.scheduler.now();
    if (!(delay >= 0)) {
      throw new RangeError(
        `at(${ms}): virtual time is already ${this.scheduler.now()} ms; schedule at a time to come`,
      );
    }
    this.scheduler.schedule(action, delay);
  }

  signalAt(ms: number, signal: NodeJS.Signals = 'SIGTERM'): void {
    this.at(ms, () => this.signals.emit(signal));
  }

  stopAt(ms: number, reason?: string): void {
    this.at(ms, () => void this.kernel.stop(reason));
  }

  uncaughtAt(ms: number, error: unknown, origin: UncaughtError['origin'] = 'uncaughtException'): void {
    this.at(ms, () => this.uncaughtErrors.emit(error, origin));
  }

  async advanceTo(ms: number): Promise<void> {
    if (!(ms >= this.scheduler.now())) {
      throw new RangeError(`advanceTo(${ms}): virtual time is already ${this.scheduler.now()} ms`);
    }
    this.#start();
    for (;;) {
      await turn();
      const next = this.#nextDue();
      if (next === undefined || next > ms) break;
      this.#flushTo(next);
    }
    this.scheduler.frame = ms;
    await turn();
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.scheduler.now() + ms);
  }

  async run(during?: (vk: VirtualKernel) => void): Promise<RunResult> {
    this.#start();
    try {
      during?.(this);
    } catch (error) {
      await this.#shutDown('virtualKernel: during() threw');
      throw error;
    }
    const horizon = this.scheduler.now() + this.#horizon;
    for (;;) {
      await turn();
      if (this.#outcome) return this.#outcome;
      const next = this.#nextDue();
      if (next === undefined || next > horizon) return this.#stalled(next === undefined);
      this.#flushTo(next);
    }
  }

  linesWith(what: string): string[] {
    return this.timeline.filter((line) => line.includes(what));
  }

  timeOf(what: string): number {
    const line = this.timeline.find((l) => l.slice(l.indexOf(' ') + 1) === what);
    return line === undefined ? -1 : Number(line.slice(0, line.indexOf(' ')));
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.kernel.run().then(
      () => void (this.#outcome = { ok: true }),
      (error: KratosError) => void (this.#outcome = { ok: false, error }),
    );
  }

  #nextDue(): number | undefined {
    return this.scheduler.actions[0]?.delay;
  }

  /** Runs every action due by `frame`, in order, at its own virtual time. */
  #flushTo(frame: number): void {
    const maxFrames = this.scheduler.maxFrames;
    this.scheduler.maxFrames = frame;
    try {
      this.scheduler.flush();
    } finally {
      this.scheduler.maxFrames = maxFrames;
    }
  }

  /** Stops the kernel and lets virtual time run until it has settled (bounded: every stop step has a timeout). */
  async #shutDown(reason: string): Promise<void> {
    void this.kernel.stop(reason);
    for (let steps = 0; steps < 100_000 && !this.#outcome; steps += 1) {
      await turn();
      const next = this.#nextDue();
      if (this.#outcome || next === undefined) break;
      this.#flushTo(next);
    }
  }

  /** Nothing more will happen by itself: stop the kernel (so nothing leaks), then report. */
  async #stalled(idle: boolean): Promise<never> {
    const at = this.scheduler.now();
    const state = this.kernel.state;
    await this.#shutDown('virtualKernel: stalled');
    const why = idle
      ? 'nothing more is scheduled in virtual time, so it would wait forever'
      : `virtual time reached the horizon (${this.#horizon} ms after run())`;
    throw new KratosError(
      TestingErrorCode.Stalled,
      `The virtual kernel is still ${state} at ${at} ms and ${why}. Schedule what ends it: vk.run(() => vk.signalAt(ms)) or vk.stopAt(ms). If it waits on something real (a timer, I/O), make that wait on the scheduler (inject KRATOS_SCHEDULER). The kernel was stopped.`,
    );
  }
}

function serverDeclaration(entry: TransportServer | VirtualServer, index: number): ServerDeclaration {
  if ('server' in entry && typeof (entry as Partial<TransportServer>).start !== 'function') {
    const { server, name, startTimeout, stopTimeout } = entry;
    return { name: name ?? nameOf(server, `server[${index}]`), server, startTimeout, stopTimeout };
  }
  const server = entry as TransportServer;
  return { name: nameOf(server, `server[${index}]`), server };
}

function registrarEntry(entry: ServiceRegistrar | VirtualRegistrar, index: number): RegistrarEntry {
  if ('registrar' in entry && typeof (entry as Partial<ServiceRegistrar>).register !== 'function') {
    return { name: entry.name ?? nameOf(entry.registrar, `registrar[${index}]`), registrar: entry.registrar };
  }
  const registrar = entry as ServiceRegistrar;
  return { name: nameOf(registrar, `registrar[${index}]`), registrar };
}

function nameOf(value: unknown, fallback: string): string {
  const own = (value as { name?: unknown } | null)?.name;
  if (typeof own === 'string' && own !== '') return own;
  const ctor = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : fallback;
}

/**
 * The doubles a container holds under `SERVER`, `REGISTRAR` and the tokens `override` replaced
 * (singletons: the very objects the kernel holds). Best effort: a token that does not resolve is skipped.
 */
function doublesOf(container: Container): unknown[] {
  const tokens = [SERVER, REGISTRAR, ...containerState(container).overridden];
  return tokens.flatMap((token) => {
    try {
      return container.getAll<unknown>(token, { optional: true });
    } catch {
      return [];
    }
  });
}
