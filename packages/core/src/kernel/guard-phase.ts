import { EMPTY, catchError, type MonoTypeOperatorFunction } from 'rxjs';
import { kernelFailure } from './kernel-failure.js';
import type { RunSession } from './run-session.js';

/**
 * Gives a phase of the lifecycle its error path: should the phase error (the kernel's own code
 * threw), the error is recorded in the session as `KRATOS_KERNEL_FAILED` and the lifecycle goes on
 * with its next phase, so a failure is never lost and the stop always runs.
 */
export function guardPhase<T>(session: RunSession, during: string): MonoTypeOperatorFunction<T> {
  return catchError((error: unknown) => {
    session.fail(kernelFailure(during, error));
    return EMPTY;
  });
}
