import { EMPTY, concatMap, defer, from, type Observable } from 'rxjs';
import { ABANDON_GRACE_MS } from '../contracts/kratos-options.js';
import type { HookPhase } from '../contracts/hook-context.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import type { NamedHook } from './named-step.js';
import { runSteps, type StepOutcome } from './run-steps.js';
import type { RunSession } from './run-session.js';
import { stepReport } from './step-status.js';

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
          : runSteps([hook], {
              run: (named, signal) => named.run({ app, signal }),
              timeoutOf: () => options.hookTimeout,
              grace: ABANDON_GRACE_MS,
              scheduler,
              ...(isStartPhase ? { abortGroup: session.startAbort } : {}),
              onOutcome: (named, outcome) => {
                const error = hookError(named, outcome, options.hookTimeout);
                if (error) session.fail(error);
                emit({ type: 'hook', phase, hook: named.name, ...stepReport(outcome, error) });
              },
            }),
      ),
    ),
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
