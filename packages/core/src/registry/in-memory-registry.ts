import { BehaviorSubject, Observable, distinctUntilChanged, map } from 'rxjs';
import type { ServiceDiscovery, ServiceInstance, ServiceRegistrar } from '../contracts/registry.js';

/**
 * A registry in this process's memory: for tests, examples and single-process apps. Registering
 * the same id again replaces the instance. Every call honours its AbortSignal.
 */
export class InMemoryRegistry implements ServiceRegistrar, ServiceDiscovery {
  readonly #services = new Map<string, BehaviorSubject<ReadonlyMap<string, ServiceInstance>>>();

  /** Stores a frozen copy of `instance` under its name and id; watchers of the name hear it at once. */
  async register(instance: ServiceInstance, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const subject = this.#subject(instance.name);
    const next = new Map(subject.value);
    next.set(instance.id, freeze(instance));
    subject.next(next);
  }

  /** Removes the instance with `instance`'s name and id, if stored; watchers of the name hear it at once. */
  async deregister(instance: ServiceInstance, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const subject = this.#subject(instance.name);
    if (!subject.value.has(instance.id)) return;
    const next = new Map(subject.value);
    next.delete(instance.id);
    subject.next(next);
  }

  async getService(name: string, signal?: AbortSignal): Promise<ServiceInstance[]> {
    signal?.throwIfAborted();
    return [...(this.#services.get(name)?.value.values() ?? [])];
  }

  /** The instances of `name` on subscribe, then after every change to them. */
  watch(name: string): Observable<ServiceInstance[]> {
    return this.#subject(name).pipe(
      distinctUntilChanged(),
      map((instances) => [...instances.values()]),
    );
  }

  #subject(name: string): BehaviorSubject<ReadonlyMap<string, ServiceInstance>> {
    let subject = this.#services.get(name);
    if (!subject) {
      subject = new BehaviorSubject<ReadonlyMap<string, ServiceInstance>>(new Map());
      this.#services.set(name, subject);
    }
    return subject;
  }
}

function freeze(instance: ServiceInstance): ServiceInstance {
  return Object.freeze({
    id: instance.id,
    name: instance.name,
    version: instance.version,
    metadata: Object.freeze({ ...instance.metadata }),
    endpoints: Object.freeze([...instance.endpoints]),
  });
}
