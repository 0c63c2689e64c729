import type { SchedulerLike } from 'rxjs';
import type { HookPhase } from '../contracts/hook-context.js';
import type { LifecycleEvent } from '../contracts/lifecycle-event.js';
import type { Logger } from '../contracts/logger.js';
import type { KernelView } from '../contracts/transport-server.js';
import type { AppInfoHolder } from './app-info-holder.js';
import type { NamedHook, RegistrarEntry, ServerEntry } from './named-step.js';
import type { ResolvedOptions } from './resolve-options.js';

/** What every phase of one `run()` reads; fixed for the whole run. */
export interface KernelContext {
  readonly options: ResolvedOptions;
  readonly app: AppInfoHolder;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  readonly servers: readonly ServerEntry[];
  readonly registrars: readonly RegistrarEntry[];
  readonly hooks: Readonly<Record<HookPhase, readonly NamedHook[]>>;
  readonly emit: (event: LifecycleEvent) => void;
  /** The read-only view each server is handed just before its start. */
  readonly kernel: KernelView;
}
