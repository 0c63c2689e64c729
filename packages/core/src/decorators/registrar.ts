import { decoratedClasses, type Newable, type RegistrarOptions } from './decorated-classes.js';

/**
 * Marks a class as a `ServiceRegistrar`: `kratosModule` binds it as a singleton and registers the
 * instance with it once every server serves.
 */
export function Registrar(options: RegistrarOptions = {}): ClassDecorator {
  return (target) => {
    decoratedClasses().registrars.set(target as unknown as Newable, {
      ...options,
      name: options.name ?? target.name,
    });
  };
}
