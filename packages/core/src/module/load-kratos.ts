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

/** The classes a module binds: found by the decorators, or listed by hand. */
export interface KratosClasses {
  readonly servers: ReadonlyMap<Newable, ServerOptions>;
  readonly registrars: ReadonlyMap<Newable, RegistrarOptions>;
  readonly hookOwners: readonly Newable[];
}

/** Binds the kernel, `APP_INFO` and the given classes (singletons, unless the user bound them). */
export function loadKratos(
  { bind, isBound }: ContainerModuleLoadOptions,
  options: KratosOptions,
  classes: KratosClasses,
): void {
  const all = new Set<Newable>([
    ...classes.servers.keys(),
    ...classes.registrars.keys(),
    ...classes.hookOwners,
  ]);
  for (const target of all) {
    ensureInjectable(target);
    if (!isBound(target)) bind(target).toSelf().inSingletonScope();
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
        hooks: resolveHooks(ctx, classes.hookOwners),
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
    });
  };
  for (const [target, declared] of classes.servers)
    add(ctx.get(target as Newable<TransportServer>), declared);
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
    add(ctx.get(target as Newable<ServiceRegistrar>), declared.name ?? target.name);
  for (const registrar of ctx.getAll<ServiceRegistrar>(REGISTRAR, { optional: true }))
    add(registrar, nameOf(registrar));
  return entries;
}

function resolveHooks(ctx: ResolutionContext, owners: readonly Newable[]): NamedHook[] {
  const found: (NamedHook & { order: number; sequence: number })[] = [];
  for (const owner of owners) {
    const instance = ctx.get(owner as Newable<Record<string | symbol, unknown>>);
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

function nameOf(value: unknown): string {
  const ctor = (value as { constructor?: { name?: string } } | null | undefined)?.constructor;
  return ctor?.name && ctor.name !== 'Object' ? ctor.name : 'anonymous';
}
