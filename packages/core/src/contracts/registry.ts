import type { Observable } from 'rxjs';

/**
 * One instance of a service as a registry stores it. The JSON field names are those of Kratos'
 * `registry.ServiceInstance`, so Go Kratos services and ours can share a registry.
 */
export interface ServiceInstance {
  /** Unique per running process (`AppInfo.id`); a registry keys the instance by name and id. */
  readonly id: string;
  /** The service name clients look instances up by (`discovery:///<name>`). */
  readonly name: string;
  /** The service version; `version('2.0.0')` filters on it. */
  readonly version: string;
  /** Free-form string pairs; `weight` (a positive number) weights the instance in `wrr()` and `p2c()`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the instance serves, one URL per transport: `http://10.0.0.5:8000`, `grpc://10.0.0.5:9000`. */
  readonly endpoints: readonly string[];
}

/**
 * Registers the instance once every server serves, and deregisters it on stop right after the
 * `beforeStop` hooks (before the drain and the servers' stop).
 * Both calls must honour `signal`: it aborts at `registrarTimeout` or when the start is abandoned.
 * Either may return a Promise or an Observable (its first value or its completion settles it).
 */
export interface ServiceRegistrar {
  /**
   * Makes `instance` discoverable and keeps it so until `deregister` (renewing leases or heartbeats
   * as the registry needs). A rejection or a timeout fails the start: the kernel deregisters what
   * did register and stops every server.
   */
  register(instance: ServiceInstance, signal: AbortSignal): Promise<void> | Observable<unknown>;
  /**
   * Removes `instance` (the same object `register` got). A failure is reported by `run()` but never
   * keeps the servers from stopping.
   */
  deregister(instance: ServiceInstance, signal: AbortSignal): Promise<void> | Observable<unknown>;
}

/** Finds instances of a service by name. */
export interface ServiceDiscovery {
  /** The instances registered under exactly `name` (never a name that merely starts with it). */
  getService(name: string, signal?: AbortSignal): Promise<ServiceInstance[]>;
  /** The current list on subscribe, then the whole list again after every change. */
  watch(name: string): Observable<ServiceInstance[]>;
}
