import type { LifecycleEvent } from '@kratos-ts/core';

/** A kernel event with when it happened: virtual ms in a virtual kernel, `performance.now()` otherwise. */
export interface TimedEvent {
  /** When the kernel emitted it, in ms. */
  readonly at: number;
  /** The event as `LifecycleKernel.events$` emitted it. */
  readonly event: LifecycleEvent;
}
