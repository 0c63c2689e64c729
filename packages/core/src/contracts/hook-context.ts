import type { AppInfo } from './app-info.js';

/** What a lifecycle hook receives. `signal` aborts at `hookTimeout` (or when the start is abandoned). */
export interface HookContext {
  readonly app: AppInfo;
  readonly signal: AbortSignal;
}

/** A lifecycle hook: may return a Promise, an Observable (first value or completion ends it) or nothing. */
export type LifecycleHook = (ctx: HookContext) => unknown;

/** The four hook phases, in the order they run. */
export type HookPhase = 'beforeStart' | 'afterStart' | 'beforeStop' | 'afterStop';
