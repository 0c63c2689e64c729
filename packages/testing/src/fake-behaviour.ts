import { Observable, type SchedulerLike } from 'rxjs';

/** How a double's step (start, stop, register, a hook …) behaves, in full. */
export interface FakeStep {
  /** Milliseconds (on the double's scheduler) until it settles. Default 0. */
  readonly ms?: number;
  /** Rejects with this error after `ms` instead of resolving. */
  readonly fails?: Error;
  /** Never settles by itself; only its signal can end it (see `onAbort`). */
  readonly hangs?: boolean;
  /** When its signal aborts: `reject` at once (default), `resolve` at once, or `ignore` it. */
  readonly onAbort?: 'reject' | 'resolve' | 'ignore';
  /** What it rejects with when its signal aborts. Default: the signal's reason. */
  readonly abortError?: Error;
}

/**
 * How a double's step behaves: a number of milliseconds until it resolves, an `Error` it rejects with
 * at once, `'never'` (it settles only when its signal aborts), or a `FakeStep` for the rest.
 *
 * @example
 * fakeServer({ start: 30, stop: 'never' });
 * fakeServer({ start: new Error('EADDRINUSE') });
 * fakeServer({ stop: { ms: 5_000, onAbort: 'ignore' } }); // outlives its stopTimeout: abandoned
 */
export type FakeBehaviour = number | Error | 'never' | FakeStep;

/** The `FakeStep` a behaviour stands for. */
export function toFakeStep(behaviour: FakeBehaviour | undefined): FakeStep {
  if (behaviour === undefined) return {};
  if (typeof behaviour === 'number') {
    if (!Number.isFinite(behaviour) || behaviour < 0) {
      throw new RangeError(`A fake step takes a finite number of ms >= 0, got ${behaviour}`);
    }
    return { ms: behaviour };
  }
  if (behaviour === 'never') return { hangs: true };
  if (behaviour instanceof Error) return { fails: behaviour };
  return behaviour;
}

/** How a step ended, as its records say it: `resolved`, `rejected`, or `aborted` (its signal aborted first). */
export type StepOutcomeWord = 'resolved' | 'rejected' | 'aborted';

/**
 * One step as an Observable on `scheduler`: settles as `step` says and honours `signal`. `record`
 * hears `aborted` when the signal aborts, then `resolved` or `rejected` when it settles, with
 * `byAbort` telling a settlement the abort caused from one that came in its own time.
 */
export function fakeStep(
  step: FakeStep,
  signal: AbortSignal,
  scheduler: SchedulerLike,
  record: (what: StepOutcomeWord, byAbort: boolean) => void,
): Observable<void> {
  return new Observable<void>((subscriber) => {
    const settle = (how: 'resolved' | 'rejected', error?: unknown, byAbort = false): void => {
      record(how, byAbort);
      if (how === 'resolved') subscriber.complete();
      else subscriber.error(error);
    };
    const onAbort = (): void => {
      record('aborted', true);
      const reaction = step.onAbort ?? 'reject';
      if (reaction === 'reject') settle('rejected', step.abortError ?? signal.reason, true);
      else if (reaction === 'resolve') settle('resolved', undefined, true);
    };
    if (signal.aborted) {
      onAbort();
      if ((step.onAbort ?? 'reject') !== 'ignore') return undefined;
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
    const timer = step.hangs
      ? undefined
      : scheduler.schedule(
          () => (step.fails ? settle('rejected', step.fails) : settle('resolved')),
          step.ms ?? 0,
        );
    return () => {
      signal.removeEventListener('abort', onAbort);
      timer?.unsubscribe();
    };
  });
}
