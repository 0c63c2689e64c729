import { InMemoryRegistry, type ServiceDiscovery, type ServiceInstance } from '@kratos-ts/core';
import { Observable } from 'rxjs';

/** A `ServiceDiscovery` over an `InMemoryRegistry` that counts the watches open, to catch leaks. */
export class CountingDiscovery implements ServiceDiscovery {
  /** Where the test registers and deregisters instances. */
  readonly registry = new InMemoryRegistry();
  /** Watches open now. */
  active = 0;
  /** Watches ever opened. */
  opened = 0;

  getService(name: string, signal?: AbortSignal): Promise<ServiceInstance[]> {
    return this.registry.getService(name, signal);
  }

  watch(name: string): Observable<ServiceInstance[]> {
    return new Observable<ServiceInstance[]>((subscriber) => {
      this.active += 1;
      this.opened += 1;
      const subscription = this.registry.watch(name).subscribe(subscriber);
      return () => {
        this.active -= 1;
        subscription.unsubscribe();
      };
    });
  }
}
