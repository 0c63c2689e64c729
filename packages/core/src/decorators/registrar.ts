import { decoratedClasses, type Newable, type RegistrarOptions } from './decorated-classes.js';
import { refuseStandardDecoratorCall } from './refuse-standard-decorator-call.js';

/**
 * Marks a class as a `ServiceRegistrar`: `kratosModule` binds it as a singleton and registers the
 * instance with it once every server serves. It needs `"experimentalDecorators": true` in
 * tsconfig.json: called as a TC39 standard decorator, it throws `KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED`.
 */
export function Registrar(options: RegistrarOptions = {}): ClassDecorator {
  return (target, context?: unknown) => {
    refuseStandardDecoratorCall('@Registrar()', context);
    decoratedClasses().registrars.set(target as unknown as Newable, {
      ...options,
      name: options.name ?? target.name,
    });
  };
}
