import type { LifecycleState } from '@kratos-ts/core';
import type { ServerPhase } from './server-phase.js';

/** What the probes answer: `true` is 200, `false` is 503. */
export interface ProbeVerdict {
  readonly live: boolean;
  readonly ready: boolean;
}

/**
 * The probes' answer from the kernel's state (`undefined` when no kernel is attached) and the
 * server's own phase.
 *
 * - With a kernel: live unless the kernel is `stopped` or `failed`; ready only while the kernel is
 *   `running` and this server listens, so readiness turns false at the first instant of `stopping`,
 *   before `drainDelay`.
 * - Standalone (no kernel): ready only between a successful `start()` and `stop()`; live until stopped.
 */
export function probeVerdict(kernelState: LifecycleState | undefined, phase: ServerPhase): ProbeVerdict {
  const serverLive = phase !== 'stopped';
  if (kernelState === undefined) return { live: serverLive, ready: phase === 'listening' };
  return {
    live: serverLive && kernelState !== 'stopped' && kernelState !== 'failed',
    ready: kernelState === 'running' && phase === 'listening',
  };
}
