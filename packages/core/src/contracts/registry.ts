import type { Observable } from 'rxjs';

/**
 * One instance of a service as a registry stores it. The JSON field names are those of Kratos'
 * `registry.ServiceInstance`, so Go Kratos services and ours can share a registry.
 */
export interface ServiceInstance {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly endpoints: readonly string[];
}

/**
 * Registers the instance once every server serves, and deregisters it on stop right after the
 * `beforeStop` hooks (before the drain and the servers' stop).
 * Both calls must honour `signal`: it aborts at `registrarTimeout` or when the start is abandoned.
 * Either may return a Promise or an Observable (its first value or its completion settles it).
 */
export interface ServiceRegistrar {
  register(instance: ServiceInstance, signal: AbortSignal): Promise<void> | Observable<unknown>;
  deregister(instance: ServiceInstance, signal: AbortSignal): Promise<void> | Observable<unknown>;
}

/** Finds instances of a service by name. */
export interface ServiceDiscovery {
  /** The instances registered under exactly `name` (never a name that merely starts with it). */
  getService(name: string, signal?: AbortSignal): Promise<ServiceInstance[]>;
  /** The current list on subscribe, then the whole list again after every change. */
  watch(name: string): Observable<ServiceInstance[]>;
}
