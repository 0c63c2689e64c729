import type { KernelView, ServerStopReport, TransportServer } from '@kratos-ts/core';
import { endWith, type Observable, type SchedulerLike } from 'rxjs';
import { CONNECT, kernelClock, realClock, type Clock } from './clock.js';
import { fakeStep, toFakeStep, type FakeBehaviour, type FakeStep } from './fake-behaviour.js';

/** What `fakeServer` takes. */
export interface FakeServerOptions {
  /** Its name in the kernel's logs, errors and events. Default `'fake'`: name each when there are several. */
  readonly name?: string;
  /** How `start(signal)` behaves. Default: resolves at once (0 ms). */
  readonly start?: FakeBehaviour;
  /** How `stop(signal)` behaves. Default: resolves at once (0 ms). */
  readonly stop?: FakeBehaviour;
  /**
   * What `endpoint()` returns: a URL, `null` for none, or a function (it may throw or return a
   * Promise). Default `fake://127.0.0.1/<name>`, which `startTestApp` accepts as loopback.
   */
  readonly endpoint?:
    string | URL | null | (() => string | URL | undefined | Promise<string | URL | undefined>);
  /**
   * The scheduler its delays run on and its records are stamped with. Default: the clock of the
   * virtual kernel that runs it, else `asyncScheduler` (real time, `Date.now()` stamps).
   */
  readonly scheduler?: SchedulerLike;
  /** Its `drainDelay` property (ms it keeps serving after deregistration). Default: none (the app's). */
  readonly drainDelay?: number;
  /** What `stop()` resolves with when it resolves (e.g. `{ abandoned: 3 }`). Default: nothing. */
  readonly stopReport?: ServerStopReport;
}

/**
 * A `TransportServer` double that records every call and can be told to be slow, fail or hang.
 * Made by `fakeServer()`; exported so a test can extend it (`@Server() class Api extends FakeServer`).
 */
export class FakeServer implements TransportServer {
  readonly name: string;
  /** The `drainDelay` option, as the property the kernel reads. */
  readonly drainDelay?: number;
  /** The scheduler time of each `start()` call. */
  readonly starts: number[] = [];
  /** The scheduler time of each `stop()` call. */
  readonly stops: number[] = [];
  /** The signal of the last `start()` call. */
  startSignal: AbortSignal | undefined;
  /** The signal of the last `stop()` call. */
  stopSignal: AbortSignal | undefined;
  /** The kernel view handed over by `attachKernel`, once the kernel is about to start it. */
  kernel: KernelView | undefined;
  readonly #start: FakeStep;
  readonly #stop: FakeStep;
  readonly #endpoint: FakeServerOptions['endpoint'];
  readonly #scheduler: SchedulerLike | undefined;
  readonly #stopReport: ServerStopReport | undefined;
  #clock: Clock = realClock;
  #serving = false;

  constructor(options: FakeServerOptions = {}) {
    this.name = options.name ?? 'fake';
    this.#start = toFakeStep(options.start);
    this.#stop = toFakeStep(options.stop);
    this.#endpoint = 'endpoint' in options ? options.endpoint : `fake://127.0.0.1/${this.name}`;
    this.#scheduler = options.scheduler;
    this.#stopReport = options.stopReport;
    if (options.drainDelay !== undefined) this.drainDelay = options.drainDelay;
  }

  /** `true` from the moment a start resolved until the next `stop()` call. */
  get serving(): boolean {
    return this.#serving;
  }

  /** Records the kernel view the kernel hands over before `start` (and joins a virtual kernel's clock). */
  attachKernel(kernel: KernelView): void {
    this.kernel = kernel;
    const clock = kernelClock(kernel);
    if (clock) this.#clock = clock;
  }

  /** Records the call, then settles as the `start` behaviour says; `serving` once it resolved. */
  start(signal: AbortSignal): Observable<void> {
    this.starts.push(this.#now());
    this.startSignal = signal;
    this.#clock.record(`${this.name} start`);
    return fakeStep(this.#start, signal, this.#schedulerNow(), (how) => {
      if (how === 'resolved') this.#serving = true;
      this.#clock.record(`${this.name} start ${how}`);
    });
  }

  /** Records the call, then settles as the `stop` behaviour says (emitting `stopReport` first, when given). */
  stop(signal: AbortSignal): Observable<void> {
    this.stops.push(this.#now());
    this.stopSignal = signal;
    this.#serving = false;
    this.#clock.record(`${this.name} stop`);
    const step = fakeStep(this.#stop, signal, this.#schedulerNow(), (how) =>
      this.#clock.record(`${this.name} stop ${how}`),
    );
    // The report comes once the stop resolved (its completion), as a real stop's resolved value.
    // Typed Observable<void> still, so code written against the double keeps compiling: the
    // kernel reads what it emits, whatever its type says.
    const report = this.#stopReport;
    if (report === undefined) return step;
    return step.pipe(endWith(report)) as Observable<unknown> as Observable<void>;
  }

  /** The `endpoint` option's answer (recorded as `<name> endpoint` on a virtual timeline). */
  endpoint(): string | URL | undefined | Promise<string | URL | undefined> {
    this.#clock.record(`${this.name} endpoint`);
    const endpoint = this.#endpoint;
    if (typeof endpoint === 'function') return endpoint();
    return endpoint ?? undefined;
  }

  /** @internal A virtual kernel connects the double to its clock. */
  [CONNECT](clock: Clock): void {
    this.#clock = clock;
  }

  #schedulerNow(): SchedulerLike {
    return this.#scheduler ?? this.#clock.scheduler;
  }

  #now(): number {
    return this.#schedulerNow().now();
  }
}

/**
 * A fake `TransportServer`: bind it to `SERVER`, pass it to `virtualKernel`, or let `startTestApp`
 * run it. It records `starts`/`stops` (scheduler times) and the signals it got, and honours them.
 *
 * @example
 * const api = fakeServer({ name: 'api', start: 30, stop: { ms: 5_000, onAbort: 'ignore' } });
 * const vk = virtualKernel({ servers: [api], options: { name: 'svc', stopTimeout: 1_000 } });
 * await vk.run(() => vk.signalAt(100));
 * expect(api.stops).toEqual([100]);
 */
export function fakeServer(options: FakeServerOptions = {}): FakeServer {
  return new FakeServer(options);
}
