import type { AppInfo } from './app-info.js';

/** What a lifecycle hook receives. `signal` aborts at `hookTimeout` (or when the start is abandoned). */
export interface HookContext {
  /** The application's `AppInfo`; `endpoints` is filled in from `afterStart` on. */
  readonly app: AppInfo;
  /**
   * Aborts at `hookTimeout`, or (beforeStart and afterStart hooks) when a stop is requested: stop
   * waiting then. An afterStop hook's signal is never aborted when the hook begins.
   */
  readonly signal: AbortSignal;
}

/** A lifecycle hook: may return a Promise, an Observable (first value or completion ends it) or nothing. */
export type LifecycleHook = (ctx: HookContext) => unknown;

/**
 * When a hook runs: `beforeStart` (before any server starts), `afterStart` (once every server
 * serves and the instance is registered), `beforeStop` (first thing in a stop, before
 * deregistration), `afterStop` (once every server stopped). Each is also the name of its option in
 * `KratosOptions`.
 */
export type HookPhase = 'beforeStart' | 'afterStart' | 'beforeStop' | 'afterStop';

/** The four hook phases, in the order they run. */
export const HOOK_PHASES = Object.freeze([
  'beforeStart',
  'afterStart',
  'beforeStop',
  'afterStop',
] as const satisfies readonly HookPhase[]);
