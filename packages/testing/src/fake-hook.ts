import type { AppInfo, HookPhase, NamedHook } from '@kratos-ts/core';
import type { Observable, SchedulerLike } from 'rxjs';
import { CONNECT, realClock, type Clock, type Connectable } from './clock.js';
import { fakeStep, toFakeStep, type FakeBehaviour } from './fake-behaviour.js';

/** One call a fake hook got. */
export interface HookCall {
  /** The scheduler time of the call. */
  readonly at: number;
  /** The `AppInfo` the kernel passed. */
  readonly app: AppInfo;
  /** The signal the hook got (aborted at `hookTimeout`). */
  readonly signal: AbortSignal;
}

/** A `NamedHook` double for `virtualKernel({ hooks })`, recording its calls. */
export interface FakeHook extends NamedHook {
  /** Every call, in order. */
  readonly calls: readonly HookCall[];
}

/**
 * A hook for `virtualKernel({ hooks })` that behaves as told and records itself. On a virtual
 * timeline it writes `<name> live` when called (`<name> aborted-at-start` if its signal already
 * was), `<name> aborted` when its signal aborts and `<name> done` when it settles by itself.
 *
 * @example
 * const flush = fakeHook('beforeStop', 'flush', { ms: 20_000 }); // outlives hookTimeout
 * const vk = virtualKernel({ hooks: [flush], options: { name: 'svc', hookTimeout: 5_000 } });
 * await vk.run(() => vk.signalAt(10));
 * expect(vk.timeOf('flush aborted')).toBe(5_010);
 */
export function fakeHook(
  phase: HookPhase,
  name: string,
  behaviour?: FakeBehaviour,
  scheduler?: SchedulerLike,
): FakeHook {
  const step = toFakeStep(behaviour);
  const calls: HookCall[] = [];
  let clock: Clock = realClock;
  const hook: FakeHook & Connectable = {
    phase,
    name,
    calls,
    run: ({ app, signal }): Observable<void> => {
      const on = scheduler ?? clock.scheduler;
      calls.push({ at: on.now(), app, signal });
      clock.record(`${name} ${signal.aborted ? 'aborted-at-start' : 'live'}`);
      return fakeStep(step, signal, on, (how, byAbort) => {
        if (how === 'aborted') clock.record(`${name} aborted`);
        else if (!byAbort) clock.record(`${name} done`);
      });
    },
    [CONNECT]: (connected: Clock): void => void (clock = connected),
  };
  return hook;
}
