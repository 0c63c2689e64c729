import type { HookPhase } from '../contracts/hook-context.js';

/** Any class. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Newable<T = unknown> = new (...args: any[]) => T;

/** What `@Server()` was given. */
export interface ServerOptions {
  /** Used in logs and errors. Default: the class name. */
  readonly name?: string;
  /** Overrides `KratosOptions.startTimeout` for this server. */
  readonly startTimeout?: number;
  /** Overrides `KratosOptions.stopTimeout` for this server. */
  readonly stopTimeout?: number;
  /**
   * Overrides `KratosOptions.drainDelay` for this server (and its own `drainDelay` property): how
   * long it keeps serving after deregistration. `0`: stopped as soon as deregistration is done.
   */
  readonly drainDelay?: number;
}

/** What `@Registrar()` was given. */
export interface RegistrarOptions {
  /** Used in logs and errors. Default: the class name. */
  readonly name?: string;
}

/** One decorated hook method. */
export interface HookDeclaration {
  readonly phase: HookPhase;
  readonly method: string | symbol;
  readonly order: number;
  /** Declaration order across every decorated class, for a stable sort. */
  readonly sequence: number;
}

interface DecoratedClasses {
  readonly servers: Map<Newable, ServerOptions>;
  readonly registrars: Map<Newable, RegistrarOptions>;
  readonly hooks: Map<Newable, HookDeclaration[]>;
  sequence: number;
}

const KEY = Symbol.for('@kratos-ts/core/decorated-classes');

/**
 * Every class decorated so far. inversify keeps no such list, so the decorators record them here,
 * on a global symbol, so that two copies of the package share one list.
 */
export function decoratedClasses(): DecoratedClasses {
  const store = globalThis as { [KEY]?: DecoratedClasses };
  store[KEY] ??= { servers: new Map(), registrars: new Map(), hooks: new Map(), sequence: 0 };
  return store[KEY];
}

/** The `@Server()` options of a class or of its nearest decorated ancestor. */
export function serverOptionsOf(target: unknown): ServerOptions | undefined {
  const { servers } = decoratedClasses();
  for (let cls = target; typeof cls === 'function'; cls = Object.getPrototypeOf(cls)) {
    const options = servers.get(cls as Newable);
    if (options) return options;
  }
  return undefined;
}

/** The hook methods of a class, its ancestors' included. */
export function hooksOf(target: Newable): HookDeclaration[] {
  const { hooks } = decoratedClasses();
  const found: HookDeclaration[] = [];
  for (let cls: unknown = target; typeof cls === 'function'; cls = Object.getPrototypeOf(cls)) {
    found.unshift(...(hooks.get(cls as Newable) ?? []));
  }
  return found;
}
