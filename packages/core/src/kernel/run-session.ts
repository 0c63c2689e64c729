import { ReplaySubject, type SchedulerLike } from 'rxjs';
import { AbortGroup } from './abort-group.js';
import type { HookPhase } from '../contracts/hook-context.js';
import type { LifecycleEvent } from '../contracts/lifecycle-event.js';
import type { Logger } from '../contracts/logger.js';
import type { ServiceInstance } from '../contracts/registry.js';
import type { KernelView } from '../contracts/transport-server.js';
import type { KratosError } from '../errors/kratos-error.js';
import type { AppInfoHolder } from './app-info-holder.js';
import type { NamedHook, RegistrarEntry, ServerEntry } from './named-step.js';
import type { ResolvedOptions } from './resolve-options.js';
import { stopServer } from './stop-servers.js';

/** What every phase of one `run()` reads. */
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

/**
 * The state of one `run()` that the phases share: what started, what registered, every error.
 * The start phases record into it; the stop phases undo exactly what it records.
 */
export class RunSession {
  readonly errors: KratosError[] = [];
  /** Servers whose start resolved (in time or late): each is stopped exactly once. */
  readonly started = new Set<ServerEntry>();
  /** Registrars the instance is (or may be) registered with: each is deregistered. */
  readonly registered = new Set<RegistrarEntry>();
  instance: ServiceInstance | undefined;
  reachedRunning = false;
  /** Set once the stop phase took the list of servers to stop; a late start is stopped on its own. */
  serversStopped = false;
  stopReason: string | undefined;
  /** Replays the reason once a stop is requested. */
  readonly stopRequested$ = new ReplaySubject<string>(1);
  /** Aborts whatever of the start is in flight when a stop is requested. */
  readonly startAbort = new AbortGroup();

  constructor(readonly ctx: KernelContext) {}

  /** The start goes no further once something failed or a stop was requested. */
  get halted(): boolean {
    return this.errors.length > 0 || this.stopReason !== undefined;
  }

  /** A start given up as abandoned resolved after all: make sure that server is stopped. */
  lateStarted(entry: ServerEntry): void {
    if (!this.serversStopped) {
      this.started.add(entry);
      return;
    }
    stopServer(this.ctx, entry).subscribe((error) => {
      if (error) this.ctx.logger.error({ err: error, server: entry.name }, error.message);
    });
  }

  requestStop(reason: string): boolean {
    if (this.stopReason !== undefined) return false;
    this.stopReason = reason;
    this.startAbort.abort();
    this.stopRequested$.next(reason);
    return true;
  }
}
