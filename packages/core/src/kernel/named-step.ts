import type { HookPhase, LifecycleHook } from '../contracts/hook-context.js';
import type { ServiceRegistrar } from '../contracts/registry.js';
import type { TransportServer } from '../contracts/transport-server.js';

/** A hook with the name errors and logs use (`beforeStart[0] warmUp`, `Lifecycle.flush`). */
export interface NamedHook {
  /** The name errors, logs and `LifecycleEvent`s use. */
  readonly name: string;
  /** When it runs. */
  readonly phase: HookPhase;
  /** The hook itself. */
  readonly run: LifecycleHook;
}

/** A server with its name and its own timeouts. */
export interface ServerEntry {
  readonly name: string;
  readonly server: TransportServer;
  readonly startTimeout: number;
  readonly stopTimeout: number;
  /** How long it keeps serving after deregistration: `@Server`, else its property, else the app's. */
  readonly drainDelay: number;
}

/** A registrar with the name errors and logs use. */
export interface RegistrarEntry {
  /** The name errors, logs and `LifecycleEvent`s use (the class name, or `@Registrar({ name })`). */
  readonly name: string;
  /** The registrar itself. */
  readonly registrar: ServiceRegistrar;
}
