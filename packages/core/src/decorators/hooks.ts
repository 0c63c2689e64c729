import type { HookPhase } from '../contracts/hook-context.js';
import { decoratedClasses, type Newable } from './decorated-classes.js';

/** Options of a hook decorator. */
export interface HookOptions {
  /** Lower runs first; equal orders run in declaration order. Default 0. Option hooks run before all. */
  readonly order?: number;
}

function hookDecorator(phase: HookPhase) {
  return (options: HookOptions = {}): MethodDecorator =>
    (target, method) => {
      const registry = decoratedClasses();
      const owner = (target as { constructor: Newable }).constructor;
      const declarations = registry.hooks.get(owner) ?? [];
      declarations.push({ phase, method, order: options.order ?? 0, sequence: registry.sequence++ });
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
