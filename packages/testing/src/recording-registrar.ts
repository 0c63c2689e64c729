import type { ServiceInstance, ServiceRegistrar } from '@kratos-ts/core';
import type { Observable, SchedulerLike } from 'rxjs';
import { CONNECT, realClock, type Clock } from './clock.js';
import { fakeStep, toFakeStep, type FakeBehaviour, type FakeStep } from './fake-behaviour.js';

/** One call the registrar got. */
export interface RegistrarCall {
  /** Which method was called. */
  readonly op: 'register' | 'deregister';
  /** The instance it was asked to (de)register, as the kernel built it. */
  readonly instance: ServiceInstance;
  /** The scheduler time of the call (virtual ms in a virtual kernel, `Date.now()` otherwise). */
  readonly at: number;
  /** The signal the call got. */
  readonly signal: AbortSignal;
}

/** What `recordingRegistrar` takes. */
export interface RecordingRegistrarOptions {
  /** Its name in the kernel's logs, errors and events, and on the timeline. Default `'registrar'`. */
  readonly name?: string;
  /** How `register` behaves. Default: resolves at once (0 ms). */
  readonly register?: FakeBehaviour;
  /** How `deregister` behaves. Default: resolves at once (0 ms). */
  readonly deregister?: FakeBehaviour;
  /** The scheduler its delays run on. Default: the virtual kernel's clock, else `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * A `ServiceRegistrar` double that records each call with its instance and time, keeps what is
 * registered now, and can be told to be slow, fail or hang. Made by `recordingRegistrar()`.
 */
export class RecordingRegistrar implements ServiceRegistrar {
  /** Its name in the kernel's logs, errors and events, and on the timeline (`options.name`, default `'registrar'`). */
  readonly name: string;
  /** Every call, in order. */
  readonly calls: RegistrarCall[] = [];
  /** What is registered now, by instance id: added when a `register` resolves, removed when a `deregister` does. */
  readonly registered = new Map<string, ServiceInstance>();
  readonly #register: FakeStep;
  readonly #deregister: FakeStep;
  readonly #scheduler: SchedulerLike | undefined;
  #clock: Clock = realClock;

  constructor(options: RecordingRegistrarOptions = {}) {
    this.name = options.name ?? 'registrar';
    this.#register = toFakeStep(options.register);
    this.#deregister = toFakeStep(options.deregister);
    this.#scheduler = options.scheduler;
  }

  /** Records the call; once it resolves, `instance` is in `registered`. */
  register(instance: ServiceInstance, signal: AbortSignal): Observable<void> {
    return this.#call('register', this.#register, instance, signal, () =>
      this.registered.set(instance.id, instance),
    );
  }

  /** Records the call; once it resolves, `instance` is no longer in `registered`. */
  deregister(instance: ServiceInstance, signal: AbortSignal): Observable<void> {
    return this.#call('deregister', this.#deregister, instance, signal, () =>
      this.registered.delete(instance.id),
    );
  }

  /** @internal A virtual kernel connects the double to its clock. */
  [CONNECT](clock: Clock): void {
    this.#clock = clock;
  }

  #call(
    op: RegistrarCall['op'],
    step: FakeStep,
    instance: ServiceInstance,
    signal: AbortSignal,
    effect: () => void,
  ): Observable<void> {
    const scheduler = this.#scheduler ?? this.#clock.scheduler;
    this.calls.push({ op, instance, at: scheduler.now(), signal });
    this.#clock.record(`${this.name} ${op}`);
    return fakeStep(step, signal, scheduler, (how) => {
      if (how === 'resolved') effect();
      this.#clock.record(`${this.name} ${op} ${how}`);
    });
  }
}

/**
 * A fake `ServiceRegistrar`: bind it to `REGISTRAR` or pass it to `virtualKernel`.
 *
 * @example
 * const registry = recordingRegistrar({ deregister: 'never' });
 * // … run the app, stop it …
 * expect(registry.calls.map((c) => c.op)).toEqual(['register', 'deregister']);
 * expect(registry.calls[0]?.instance.endpoints).toEqual(['http://127.0.0.1:43121']);
 */
export function recordingRegistrar(options: RecordingRegistrarOptions = {}): RecordingRegistrar {
  return new RecordingRegistrar(options);
}
