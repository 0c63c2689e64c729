import { ContainerModule } from 'inversify';
import type { KratosOptions } from '../contracts/kratos-options.js';
import { decoratedClasses, serverOptionsOf, type Newable } from '../decorators/decorated-classes.js';
import { loadKratos } from './load-kratos.js';

/**
 * Binds the `LifecycleKernel`, `APP_INFO` and every class decorated so far with `@Server()`,
 * `@Registrar()` or a hook decorator (as singletons), plus whatever is bound to `SERVER` and
 * `REGISTRAR`. Options come from `KRATOS_OPTIONS`.
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
    { servers: found.servers, registrars: found.registrars, hookOwners: [...found.hooks.keys()] },
  );
});

/** What `createKratosModule` takes: options, and the classes to bind instead of decorator discovery. */
export interface KratosModuleConfig extends KratosOptions {
  /** Server classes; `@Server()` options are read from them when present. */
  readonly servers?: readonly Newable[];
  /** Registrar classes (each a `ServiceRegistrar`); `@Registrar()` options are read from them when present. */
  readonly registrars?: readonly Newable[];
  /** Classes with hook methods (`@BeforeStart()` …). */
  readonly hooks?: readonly Newable[];
}

/**
 * A module with explicit class lists instead of decorator discovery (tests, explicit apps).
 * Options given here apply unless `KRATOS_OPTIONS` is bound, which overrides them key by key.
 */
export function createKratosModule(config: KratosModuleConfig = {}): ContainerModule {
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
    }),
  );
}
