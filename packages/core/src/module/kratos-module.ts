import { ContainerModule } from 'inversify';
import type { KratosOptions } from '../contracts/kratos-options.js';
import { decoratedClasses, serverOptionsOf, type Newable } from '../decorators/decorated-classes.js';
import { loadKratos } from './load-kratos.js';
import { validateClassLists } from './validate-class-lists.js';

/**
 * Binds the `LifecycleKernel`, `APP_INFO` and every class decorated so far with `@Server()`,
 * `@Registrar()` or a hook decorator (as singletons), plus whatever is bound to `SERVER` and
 * `REGISTRAR`. Options come from `KRATOS_OPTIONS`.
 *
 * "Every class decorated so far" means in the whole process: a file imported for anything else
 * brings its decorated classes along. One the container cannot build fails `container.load()` or
 * `container.get(LifecycleKernel)` with `KRATOS_UNRESOLVABLE_CLASS`. For production, prefer
 * `createKratosModule({ servers, hooks })`, which runs only the classes it lists.
 *
 * @example
 * container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'greeter', version: '1.0.0' });
 * container.load(kratosModule);
 * await container.get(LifecycleKernel).run();
 */
export const kratosModule: ContainerModule = new ContainerModule((load) => {
  const found = decoratedClasses();
  loadKratos(
    load,
    {},
    {
      servers: found.servers,
      registrars: found.registrars,
      hookOwners: [...found.hooks.keys()],
      enlistment: 'decorators',
    },
  );
});

/** What `createKratosModule` takes: options, and the classes to bind instead of decorator discovery. */
export interface KratosModuleConfig extends KratosOptions {
  /** Server classes; `@Server()` options are read from them when present. */
  readonly servers?: readonly Newable[];
  /** Registrar classes (each a `ServiceRegistrar`); `@Registrar()` options are read from them when present. */
  readonly registrars?: readonly Newable[];
  /** Classes with hook methods (`@BeforeStart()` …): each needs at least one. */
  readonly hooks?: readonly Newable[];
}

/**
 * A module with explicit class lists instead of decorator discovery: only the listed classes run
 * (plus what is bound to `SERVER` and `REGISTRAR`); decorated classes it does not list are ignored,
 * so an import elsewhere in the process cannot add a server or a hook to the app. The choice for
 * production and for tests. Options given here apply unless `KRATOS_OPTIONS` is bound, which
 * overrides them key by key.
 *
 * The lists are checked here, at once (`KRATOS_INVALID_OPTIONS`): an entry that is not a class, a
 * class in `hooks` without a hook method, a listed server or registrar with hook methods but not in
 * `hooks`. A listed class the container cannot build fails `container.load()` or
 * `container.get(LifecycleKernel)` with `KRATOS_UNRESOLVABLE_CLASS`.
 *
 * @example
 * container.load(createKratosModule({ servers: [TickerServer], hooks: [Lifecycle] }));
 */
export function createKratosModule(config: KratosModuleConfig = {}): ContainerModule {
  validateClassLists(config);
  const { servers = [], registrars = [], hooks = [], ...options } = config;
  const found = decoratedClasses();
  return new ContainerModule((load) =>
    loadKratos(load, options, {
      servers: new Map(
        servers.map((target) => [
          target,
          found.servers.get(target) ?? { ...serverOptionsOf(target), name: target.name },
        ]),
      ),
      registrars: new Map(
        registrars.map((target) => [target, found.registrars.get(target) ?? { name: target.name }]),
      ),
      hookOwners: hooks,
      enlistment: 'lists',
    }),
  );
}
