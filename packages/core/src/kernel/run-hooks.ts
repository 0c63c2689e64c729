import { EMPTY, concatMap, defer, from, ignoreElements, tap, type Observable } from 'rxjs';
import { ABANDON_GRACE_MS } from '../contracts/kratos-options.js';
import type { HookPhase } from '../contracts/hook-context.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import { guardedStep, type StepOutcome } from './guarded-step.js';
import type { NamedHook } from './named-step.js';
import type { RunSession } from './run-session.js';
import { stepStatus } from './step-status.js';

const AFTERMATH: Record<HookPhase, string> = {
  beforeStart: 'No server was started.',
  afterStart: 'The instance was deregistered and every server stopped.',
  beforeStop: 'The other hooks and the rest of the stop still ran.',
  afterStop: 'The other afterStop hooks still ran.',
};

/**
 * Runs the hooks of one phase one at a time, each under `hookTimeout`.
 * Start phases (`beforeStart`, `afterStart`) stop at the first failure and are aborted by a stop
 * request; stop phases run every hook whatever happened before, and keep every error.
 */
export function runHooks(session: RunSession, phase: HookPhase): Observable<never> {
  const { hooks, app, options, scheduler, emit } = session.ctx;
  const isStartPhase = phase === 'beforeStart' || phase === 'afterStart';
  return from(hooks[phase]).pipe(
    concatMap((hook) =>
      defer(() =>
        isStartPhase && session.halted
          ? EMPTY
          : guardedStep((signal) => hook.run({ app, signal }), {
              timeout: options.hookTimeout,
              grace: ABANDON_GRACE_MS,
              scheduler,
              ...(isStartPhase ? { abortGroup: session.startAbort } : {}),
            }).pipe(
              tap((outcome) => {
                const error = hookError(hook, outcome, options.hookTimeout);
                if (error) session.errors.push(error);
                emit({
                  type: 'hook',
                  phase,
                  hook: hook.name,
                  status: stepStatus(outcome),
                  durationMs: outcome.durationMs,
                  ...(error ? { error } : {}),
                });
              }),
            ),
      ),
    ),
    ignoreElements(),
  );
}

function hookError(hook: NamedHook, outcome: StepOutcome, hookTimeout: number): KratosError | undefined {
  const where = `${hook.phase} hook "${hook.name}"`;
  if (outcome.timedOut || outcome.settled === 'unsettled') {
    const what = outcome.timedOut
      ? `did not settle within ${hookTimeout} ms (hookTimeout)`
      : `ignored its aborted signal for ${ABANDON_GRACE_MS} ms after a stop was requested`;
    return new KratosError(
      KratosErrorCode.HookTimeout,
      `${where} ${what}. ${AFTERMATH[hook.phase]} Raise KratosOptions.hookTimeout or make the hook honour ctx.signal.`,
      outcome.settled === 'rejected' ? { cause: outcome.error } : {},
    );
  }
  if (outcome.settled === 'rejected' && !outcome.aborted) {
    return new KratosError(
      KratosErrorCode.HookFailed,
      `${where} failed: ${describeError(outcome.error)}. ${AFTERMATH[hook.phase]} Fix the hook or handle what it throws.`,
      { cause: outcome.error },
    );
  }
  return undefined;
}
