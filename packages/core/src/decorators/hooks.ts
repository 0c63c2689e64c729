import type { HookPhase } from '../contracts/hook-context.js';
import { decoratedClasses, type Newable } from './decorated-classes.js';
import { refuseStandardDecoratorCall } from './refuse-standard-decorator-call.js';

/** Options of a hook decorator. */
export interface HookOptions {
  /** Lower runs first; equal orders run in declaration order. Default 0. Option hooks run before all. */
  readonly order?: number;
}

/**
 * What `@BeforeStart()`, `@AfterStart()`, `@BeforeStop()` and `@AfterStop()` return: a method
 * decorator for TypeScript's `experimentalDecorators`. It also type-checks as a TC39 standard
 * method decorator, on purpose: a project compiled without `experimentalDecorators` then builds,
 * and gets at run time `KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED`, which says what to set in
 * tsconfig.json, instead of TypeScript's "TS1241: Unable to resolve signature of method decorator".
 */
export type HookDecorator = MethodDecorator &
  ((method: unknown, context: ClassMethodDecoratorContext) => void);

/** The decorator of a phase as the user writes it: `beforeStart` → `@BeforeStart()`. */
export function hookDecoratorName(phase: HookPhase): string {
  return `@${phase[0]!.toUpperCase()}${phase.slice(1)}()`;
}

function hookDecorator(phase: HookPhase) {
  return (options: HookOptions = {}): HookDecorator =>
    (target: unknown, method: unknown) => {
      refuseStandardDecoratorCall(hookDecoratorName(phase), method);
      const registry = decoratedClasses();
      const owner = (target as { constructor: Newable }).constructor;
      const declarations = registry.hooks.get(owner) ?? [];
      declarations.push({
        phase,
        method: method as string | symbol,
        order: options.order ?? 0,
        sequence: registry.sequence++,
      });
      registry.hooks.set(owner, declarations);
    };
}

/** Runs the method before any server starts; a failure means nothing starts. Gets a `HookContext`. */
export const BeforeStart = hookDecorator('beforeStart');
/** Runs the method once every server serves and the instance is registered. */
export const AfterStart = hookDecorator('afterStart');
/** Runs the method first thing on stop, before deregistration; runs even if another hook failed. */
export const BeforeStop = hookDecorator('beforeStop');
/** Runs the method once every server stopped, with a signal that is not aborted. */
export const AfterStop = hookDecorator('afterStop');
