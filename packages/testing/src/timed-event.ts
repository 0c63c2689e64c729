import type { LifecycleEvent } from '@kratos-ts/core';

/** A kernel event with when it happened: virtual ms in a virtual kernel, `performance.now()` otherwise. */
export interface TimedEvent {
  readonly at: number;
  readonly event: LifecycleEvent;
}
