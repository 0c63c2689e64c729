import type { AppInfo } from './app-info.js';

/** What a lifecycle hook receives. `signal` aborts at `hookTimeout` (or when the start is abandoned). */
export interface HookContext {
  readonly app: AppInfo;
  readonly signal: AbortSignal;
}

/** A lifecycle hook: may return a Promise, an Observable (first value or completion ends it) or nothing. */
export type LifecycleHook = (ctx: HookContext) => unknown;

/** The four hook phases, in the order they run. Each is also the name of its option. */
export const HOOK_PHASES = Object.freeze(['beforeStart', 'afterStart', 'beforeStop', 'afterStop'] as const);

/** One of `HOOK_PHASES`. */
export type HookPhase = (typeof HOOK_PHASES)[number];
