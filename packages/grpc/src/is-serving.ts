import type { LifecycleState } from '@kratos-ts/core';

/** What the health status of a `GrpcServer` is decided from. */
export interface ServingInputs {
  /** The state of the kernel that runs the server; `undefined` when none was attached (standalone). */
  readonly kernelState: LifecycleState | undefined;
  /** `start()` has bound the port. */
  readonly listening: boolean;
  /** `stop()` has been called. */
  readonly stopping: boolean;
}

/**
 * Whether health reports SERVING. Under a kernel: exactly while the kernel is `running`, so it turns
 * NOT_SERVING at the first instant of `stopping`, before beforeStop hooks, deregistration and the
 * drain delay. Standalone (no `attachKernel`): from the end of `start()` until `stop()` is called.
 */
export function isServing({ kernelState, listening, stopping }: ServingInputs): boolean {
  if (!listening || stopping) return false;
  return kernelState === undefined || kernelState === 'running';
}
