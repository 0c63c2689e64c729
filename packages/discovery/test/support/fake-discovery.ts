import type { ServiceDiscovery, ServiceInstance } from '@kratos-ts/core';
import { Observable, type Subscriber } from 'rxjs';

/**
 * A `ServiceDiscovery` driven by the test: `emit` sets a service's list (sent to every watcher, and
 * on subscribe to later ones, as real registries do); `fail`/`complete` end the current watches.
 * Counts subscriptions so tests can tell how many watches are open.
 */
export class FakeDiscovery implements ServiceDiscovery {
  /** Every `watch(name)` subscription ever made, by name. */
  readonly subscribed = new Map<string, number>();
  readonly #current = new Map<string, ServiceInstance[]>();
  readonly #watchers = new Map<string, Set<Subscriber<ServiceInstance[]>>>();

  async getService(name: string): Promise<ServiceInstance[]> {
    return [...(this.#current.get(name) ?? [])];
  }

  watch(name: string): Observable<ServiceInstance[]> {
    return new Observable<ServiceInstance[]>((subscriber) => {
      this.subscribed.set(name, (this.subscribed.get(name) ?? 0) + 1);
      const watchers = this.#watchersOf(name);
      watchers.add(subscriber);
      const current = this.#current.get(name);
      if (current) subscriber.next([...current]);
      return () => watchers.delete(subscriber);
    });
  }

  /** How many watches of `name` are open now. */
  active(name: string): number {
    return this.#watchers.get(name)?.size ?? 0;
  }

  emit(name: string, instances: ServiceInstance[]): void {
    this.#current.set(name, instances);
    for (const watcher of [...this.#watchersOf(name)]) watcher.next([...instances]);
  }

  fail(name: string, error: unknown): void {
    for (const watcher of [...this.#watchersOf(name)]) watcher.error(error);
  }

  complete(name: string): void {
    for (const watcher of [...this.#watchersOf(name)]) watcher.complete();
  }

  #watchersOf(name: string): Set<Subscriber<ServiceInstance[]>> {
    let watchers = this.#watchers.get(name);
    if (!watchers) {
      watchers = new Set();
      this.#watchers.set(name, watchers);
    }
    return watchers;
  }
}
