import type { ContainerModuleLoadOptions, ResolutionContext } from 'inversify';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { KratosOptions } from '../contracts/kratos-options.js';
import type { Logger } from '../contracts/logger.js';
import type { ServiceRegistrar } from '../contracts/registry.js';
import type { SignalSource } from '../contracts/signal-source.js';
import type { TransportServer } from '../contracts/transport-server.js';
import type { UncaughtErrorSource } from '../contracts/uncaught-error-source.js';
import {
  hooksOf,
  serverOptionsOf,
  type Newable,
  type RegistrarOptions,
  type ServerOptions,
} from '../decorators/decorated-classes.js';
import { AppInfoHolder } from '../kernel/app-info-holder.js';
import { LifecycleKernel } from '../kernel/lifecycle-kernel.js';
import type { NamedHook, RegistrarEntry } from '../kernel/named-step.js';
import { processSignals } from '../kernel/process-signals.js';
import { processUncaughtErrors } from '../kernel/process-uncaught-errors.js';
import type { ServerDeclaration } from '../kernel/validate-setup.js';
import { defaultLogger } from '../logging/default-logger.js';
import {
  APP_INFO,
  KRATOS_OPTIONS,
  KRATOS_SCHEDULER,
  LOGGER,
  PROCESS_EXIT,
  PROCESS_EXIT_CODE,
  REGISTRAR,
  SERVER,
  SIGNAL_SOURCE,
  UNCAUGHT_ERROR_SOURCE,
} from '../tokens.js';
import { ensureInjectable } from './ensure-injectable.js';
import {
  isInversifyError,
  unresolvableClass,
  type ClassRole,
  type Enlistment,
} from './unresolvable-class.js';

/** The classes a module binds: found by the decorators, or listed by hand. */
export interface KratosClasses {
  readonly servers: ReadonlyMap<Newable, ServerOptions>;
  readonly registrars: ReadonlyMap<Newable, RegistrarOptions>;
  readonly hookOwners: readonly Newable[];
  /** Found by their decorators (`kratosModule`) or listed by hand (`createKratosModule`): errors differ. */
  readonly enlistment: Enlistment;
}

/** Binds the kernel, `APP_INFO` and the given classes (singletons, unless the user bound them). */
export function loadKratos(
  { bind, isBound }: ContainerModuleLoadOptions,
  options: KratosOptions,
  classes: KratosClasses,
): void {
  const roles = new Map<Newable, ClassRole>();
  for (const [role, targets] of [
    ['hooks', classes.hookOwners],
    ['registrars', classes.registrars.keys()],
    ['servers', classes.servers.keys()],
  ] as const) {
    for (const target of targets) roles.set(target, role);
  }
  for (const [target, role] of roles) {
    ensureInjectable(target);
    // inversify reads the constructor's metadata here: a class it cannot build may fail already.
    if (!isBound(target))
      guarded(target, role, classes.enlistment, () => bind(target).toSelf().inSingletonScope());
  }
  const optionsOf = (ctx: ResolutionContext): KratosOptions => ({
    ...options,
    ...(ctx.get<KratosOptions>(KRATOS_OPTIONS, { optional: true }) ?? {}),
  });
  bind(APP_INFO)
    .toDynamicValue((ctx) => new AppInfoHolder(optionsOf(ctx)))
    .inSingletonScope();
  bind(LifecycleKernel)
    .toDynamicValue((ctx) => {
      const app = ctx.get<AppInfoHolder>(APP_INFO);
      return new LifecycleKernel({
        options: optionsOf(ctx),
        app,
        servers: resolveServers(ctx, classes),
        registrars: resolveRegistrars(ctx, classes),
        hooks: resolveHooks(ctx, classes),
        logger: ctx.get<Logger>(LOGGER, { optional: true }) ?? defaultLogger(app.name),
        scheduler: ctx.get<SchedulerLike>(KRATOS_SCHEDULER, { optional: true }) ?? asyncScheduler,
        signalSource: ctx.get<SignalSource>(SIGNAL_SOURCE, { optional: true }) ?? processSignals,
        exit:
          ctx.get<(code: number) => void>(PROCESS_EXIT, { optional: true }) ?? ((code) => process.exit(code)),
        uncaughtErrorSource:
          ctx.get<UncaughtErrorSource>(UNCAUGHT_ERROR_SOURCE, { optional: true }) ?? processUncaughtErrors,
        setExitCode:
          ctx.get<(code: number) => void>(PROCESS_EXIT_CODE, { optional: true }) ??
          ((code) => void (process.exitCode = code)),
      });
    })
    .inSingletonScope();
}

function resolveServers(ctx: ResolutionContext, classes: KratosClasses): ServerDeclaration[] {
  const seen = new Set<unknown>();
  const declarations: ServerDeclaration[] = [];
  const add = (server: TransportServer, declared: ServerOptions | undefined): void => {
    if (seen.has(server)) return;
    seen.add(server);
    const name =
      declared?.name ?? (typeof server?.name === 'string' && server.name ? server.name : nameOf(server));
    declarations.push({
      name,
      server,
      startTimeout: declared?.startTimeout,
      stopTimeout: declared?.stopTimeout,
      drainDelay: declared?.drainDelay,
    });
  };
  for (const [target, declared] of classes.servers)
    add(resolveClass(ctx, target as Newable<TransportServer>, 'servers', classes.enlistment), declared);
  for (const server of ctx.getAll<TransportServer>(SERVER, { optional: true }))
    add(server, serverOptionsOf(server?.constructor));
  return declarations;
}

function resolveRegistrars(ctx: ResolutionContext, classes: KratosClasses): RegistrarEntry[] {
  const seen = new Set<unknown>();
  const entries: RegistrarEntry[] = [];
  const add = (registrar: ServiceRegistrar, name: string): void => {
    if (seen.has(registrar)) return;
    seen.add(registrar);
    entries.push({ name, registrar });
  };
  for (const [target, declared] of classes.registrars)
    add(
      resolveClass(ctx, target as Newable<ServiceRegistrar>, 'registrars', classes.enlistment),
      declared.name ?? target.name,
    );
  for (const registrar of ctx.getAll<ServiceRegistrar>(REGISTRAR, { optional: true }))
    add(registrar, nameOf(registrar));
  return entries;
}

function resolveHooks(ctx: ResolutionContext, classes: KratosClasses): NamedHook[] {
  const found: (NamedHook & { order: number; sequence: number })[] = [];
  for (const owner of classes.hookOwners) {
    const instance = resolveClass(
      ctx,
      owner as Newable<Record<string | symbol, unknown>>,
      'hooks',
      classes.enlistment,
    );
    for (const { phase, method, order, sequence } of hooksOf(owner)) {
      const name = `${owner.name}.${String(method)}`;
      found.push({
        phase,
        name,
        order,
        sequence,
        run: (hookContext) => {
          const fn = instance[method];
          if (typeof fn !== 'function') throw new TypeError(`${name} is not a method`);
          return (fn as (c: typeof hookContext) => unknown).call(instance, hookContext);
        },
      });
    }
  }
  return found
    .sort((a, b) => a.order - b.order || a.sequence - b.sequence)
    .map(({ phase, name, run }) => ({ phase, name, run }));
}

/** `ctx.get(target)`, with inversify's failure turned into `KRATOS_UNRESOLVABLE_CLASS`. */
function resolveClass<T>(
  ctx: ResolutionContext,
  target: Newable<T>,
  role: ClassRole,
  enlistment: Enlistment,
): T {
  return guarded(target, role, enlistment, () => ctx.get(target));
}

function guarded<T>(target: Newable, role: ClassRole, enlistment: Enlistment, attempt: () => T): T {
  try {
    return attempt();
  } catch (error) {
    // The class's own constructor throwing is the user's error, and stays as it is.
    if (!isInversifyError(error)) throw error;
    throw unresolvableClass(target, role, enlistment, error);
  }
}

function nameOf(value: unknown): string {
  const ctor = (value as { constructor?: { name?: string } } | null | undefined)?.constructor;
  return ctor?.name && ctor.name !== 'Object' ? ctor.name : 'anonymous';
}
