import { KratosError, type LifecycleKernel, type Logger, type UncaughtError } from '@kratos-ts/core';
import type { TestScheduler } from 'rxjs/testing';
import { connectAll, registerKernelClock, type Clock } from './clock.js';
import { containerDoubles } from './container-doubles.js';
import { fakeProcess } from './fake-process.js';
import type { FakeSignals } from './fake-signals.js';
import type { FakeUncaughtErrors } from './fake-uncaught-errors.js';
import { kernelFromParts } from './kernel-from-parts.js';
import { recordingLogger, type LogRecord } from './recording-logger.js';
import { takeKernel } from './take-kernel.js';
import { TestingErrorCode } from './testing-error-codes.js';
import type { TimedEvent } from './timed-event.js';
import type { RunResult, VirtualKernel, VirtualKernelSpec } from './virtual-kernel-types.js';
import { VirtualTime } from './virtual-time.js';

export type {
  RunResult,
  VirtualKernel,
  VirtualKernelOfContainer,
  VirtualKernelParts,
  VirtualKernelSpec,
  VirtualRegistrar,
  VirtualServer,
} from './virtual-kernel-types.js';

const DEFAULT_HORIZON = 24 * 60 * 60 * 1000;

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
  readonly scheduler: TestScheduler;
  readonly signals: FakeSignals;
  readonly uncaughtErrors: FakeUncaughtErrors;
  readonly timeline: string[] = [];
  readonly events: TimedEvent[] = [];
  readonly logs: readonly LogRecord[];
  readonly exits: number[];
  readonly exitCodes: number[];
  readonly #time = new VirtualTime();
  readonly #horizon: number;
  #outcome: RunResult | undefined;
  #started = false;

  constructor(spec: VirtualKernelSpec) {
    this.scheduler = this.#time.scheduler;
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
      connectAll([this.signals, ...containerDoubles(spec.container)], clock);
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
      const fake = fakeProcess();
      this.signals = fake.signals;
      this.uncaughtErrors = fake.uncaughtErrors;
      this.exits = fake.exits;
      this.exitCodes = fake.exitCodes;
      const built = kernelFromParts(spec, logger, this.scheduler, fake);
      this.kernel = built.kernel;
      connectAll([this.signals, ...built.parts], clock);
    }
    registerKernelClock(this.kernel, clock);
    this.kernel.events$.subscribe((event) => {
      this.events.push({ at: now(), event });
      if (event.type === 'state') this.mark(`state ${event.state}`);
    });
  }

  now(): number {
    return this.#time.now();
  }

  mark(what: string): void {
    this.timeline.push(`${this.scheduler.now()} ${what}`);
  }

  at(ms: number, action: () => void): void {
    this.#time.at(ms, action);
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
    await this.#time.advanceTo(ms);
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
    const ended = await this.#time.runUntil(() => this.#outcome !== undefined, this.#horizon);
    if (ended !== 'done' || !this.#outcome) return this.#stalled(ended === 'idle');
    return this.#outcome;
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

  /** Stops the kernel and lets virtual time run until it has settled (bounded: every stop step has a timeout). */
  async #shutDown(reason: string): Promise<void> {
    void this.kernel.stop(reason);
    await this.#time.settle(() => this.#outcome !== undefined);
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
