import type { HookPhase } from './hook-context.js';
import type { LifecycleState } from './lifecycle-state.js';

/** How a step ended. `abandoned`: it ignored its aborted signal for a whole grace period. */
export type StepStatus = 'ok' | 'failed' | 'timeout' | 'aborted' | 'abandoned';

interface StepEvent {
  readonly status: StepStatus;
  readonly durationMs: number;
  readonly error?: unknown;
}

/** Everything the kernel does, as it happens, on `LifecycleKernel.events$`. */
export type LifecycleEvent =
  | { readonly type: 'state'; readonly state: LifecycleState }
  | { readonly type: 'signal'; readonly signal: NodeJS.Signals }
  | { readonly type: 'stop-requested'; readonly reason: string }
  | ({ readonly type: 'hook'; readonly phase: HookPhase; readonly hook: string } & StepEvent)
  | ({ readonly type: 'server-start'; readonly server: string } & StepEvent)
  | ({ readonly type: 'server-stop'; readonly server: string } & StepEvent)
  | ({ readonly type: 'register'; readonly registrar: string } & StepEvent)
  | ({ readonly type: 'deregister'; readonly registrar: string } & StepEvent)
  | { readonly type: 'drain'; readonly durationMs: number };
