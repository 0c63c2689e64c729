import type { Observable, SchedulerLike } from 'rxjs';
import type { ServiceInstance, ServiceRegistrar } from '../../src/index.js';
import { fakeStep, type FakeStep } from './fake-server.js';

/** A registrar whose calls run in virtual time; `registered` holds what is registered now. */
export class FakeRegistrar implements ServiceRegistrar {
  readonly registered = new Map<string, ServiceInstance>();
  readonly calls: string[] = [];

  constructor(
    readonly name: string,
    private readonly scheduler: SchedulerLike,
    private readonly record: (what: string) => void,
    readonly registerStep: FakeStep = {},
    readonly deregisterStep: FakeStep = {},
  ) {}

  register(instance: ServiceInstance, signal: AbortSignal): Observable<void> {
    return this.#call('register', this.registerStep, signal, () =>
      this.registered.set(instance.id, instance),
    );
  }

  deregister(instance: ServiceInstance, signal: AbortSignal): Observable<void> {
    return this.#call('deregister', this.deregisterStep, signal, () => this.registered.delete(instance.id));
  }

  #call(what: string, step: FakeStep, signal: AbortSignal, effect: () => void): Observable<void> {
    this.calls.push(what);
    this.record(`${this.name} ${what}`);
    return fakeStep(step, signal, this.scheduler, (how) => {
      if (how === 'resolved') effect();
      this.record(`${this.name} ${what} ${how}`);
    });
  }
}
