import type { HookPhase, LifecycleHook } from '../contracts/hook-context.js';
import type { ServiceRegistrar } from '../contracts/registry.js';
import type { TransportServer } from '../contracts/transport-server.js';

/** A hook with the name errors and logs use (`beforeStart[0] warmUp`, `Lifecycle.flush`). */
export interface NamedHook {
  readonly name: string;
  readonly phase: HookPhase;
  readonly run: LifecycleHook;
}

/** A server with its name and its own timeouts. */
export interface ServerEntry {
  readonly name: string;
  readonly server: TransportServer;
  readonly startTimeout: number;
  readonly stopTimeout: number;
}

/** A registrar with the name errors and logs use. */
export interface RegistrarEntry {
  readonly name: string;
  readonly registrar: ServiceRegistrar;
}
