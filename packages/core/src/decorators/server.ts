import { decoratedClasses, type Newable, type ServerOptions } from './decorated-classes.js';
import { refuseStandardDecoratorCall } from './refuse-standard-decorator-call.js';

/**
 * Marks a class as a server the kernel runs: `kratosModule` binds it as a singleton (constructor
 * injection works with `@inject`, with or without `@injectable()`) and starts it with the others.
 * It needs `"experimentalDecorators": true` in tsconfig.json: called as a TC39 standard decorator,
 * it throws `KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED`.
 *
 * @example
 * \@Server({ name: 'ticker', startTimeout: 5_000, stopTimeout: 2_000 })
 * class TickerServer implements TransportServer { ... }
 */
export function Server(options: ServerOptions = {}): ClassDecorator {
  return (target, context?: unknown) => {
    refuseStandardDecoratorCall('@Server()', context);
    decoratedClasses().servers.set(target as unknown as Newable, {
      ...options,
      name: options.name ?? target.name,
    });
  };
}
