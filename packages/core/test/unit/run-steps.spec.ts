import { describe, expect, it } from '@jest/globals';
import { EMPTY, NEVER, Observable, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AbortGroup } from '../../src/kernel/abort-group.js';
import { runSteps, type RunStepsOptions, type StepOutcome } from '../../src/kernel/run-steps.js';

const scheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

/** A task that rejects with `error` (default: the signal's reason) as soon as its signal aborts. */
const untilAborted =
  (error?: unknown) =>
  (signal: AbortSignal): Observable<never> =>
    new Observable<never>((subscriber) =>
      signal.addEventListener('abort', () => subscriber.error(error ?? signal.reason), { once: true }),
    );

/** Runs `items` as steps and records `"<ms> <item> <outcome>"` lines. */
function recorded<T extends string>(
  s: TestScheduler,
  options: Omit<RunStepsOptions<T>, 'scheduler' | 'onOutcome' | 'grace'> & { grace?: number },
): { lines: string[]; outcomes: Map<T, StepOutcome>; options: RunStepsOptions<T> } {
  const lines: string[] = [];
  const outcomes = new Map<T, StepOutcome>();
  return {
    lines,
    outcomes,
    options: {
      grace: 1_000,
      ...options,
      scheduler: s,
      onOutcome: (item, outcome) => {
        outcomes.set(item, outcome);
        const flags = `${outcome.timedOut ? ' timedOut' : ''}${outcome.aborted ? ' aborted' : ''}`;
        lines.push(`${s.now()} ${item} ${outcome.settled}${flags}`);
      },
    },
  };
}

describe('runSteps', () => {
  it('reports one resolved outcome per step that settles in time, and completes after the last', () => {
    const s = scheduler();
    const { lines, outcomes, options } = recorded<string>(s, {
      run: (item) => timer(item === 'a' ? 30 : 10, s),
      timeoutOf: () => 100,
    });
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['a', 'b'], options)).toBe('30ms |');
    });
    expect(lines).toEqual(['10 b resolved', '30 a resolved']);
    // What the step emitted first (the timer's 0) is its value: a server's stop report rides on it.
    expect(outcomes.get('a')).toEqual({
      settled: 'resolved',
      timedOut: false,
      aborted: false,
      durationMs: 30,
      value: 0,
    });
  });

  it('carries what a step returned, fulfilled with or emitted first as its value; none when it completed empty', async () => {
    const s = scheduler();
    const outcomes = new Map<string, StepOutcome>();
    const done = new Promise<void>((resolve) =>
      runSteps(['sync', 'promise', 'empty'], {
        run: (item) =>
          item === 'sync' ? { abandoned: 1 } : item === 'promise' ? Promise.resolve('ok') : EMPTY,
        timeoutOf: () => 100,
        grace: 0,
        scheduler: s,
        onOutcome: (item, outcome) => outcomes.set(item, outcome),
      }).subscribe({ complete: resolve }),
    );
    await done;
    expect(outcomes.get('sync')?.value).toEqual({ abandoned: 1 });
    expect(outcomes.get('promise')?.value).toBe('ok');
    expect('value' in (outcomes.get('empty') ?? {})).toBe(false);
  });

  it('completes at once without steps', () => {
    const s = scheduler();
    s.run(({ expectObservable }) => {
      expectObservable(
        runSteps([], {
          run: () => NEVER,
          timeoutOf: () => 10,
          grace: 1,
          scheduler: s,
          onOutcome: () => undefined,
        }),
      ).toBe('|');
    });
  });

  it('aborts the signal at the timeout and gives up after the grace period', () => {
    const s = scheduler();
    let signal: AbortSignal | undefined;
    const { outcomes, options } = recorded<string>(s, {
      run: (_item, sig) => ((signal = sig), NEVER),
      timeoutOf: () => 100,
    });
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['a'], options)).toBe('1100ms |');
    });
    expect(outcomes.get('a')).toEqual({
      settled: 'unsettled',
      timedOut: true,
      aborted: false,
      durationMs: 1_100,
    });
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as DOMException).name).toBe('TimeoutError');
  });

  it('is aborted by its group; a task that then rejects reports rejected + aborted with its own error', () => {
    const s = scheduler();
    const group = new AbortGroup();
    const cause = new Error('gave up');
    const { outcomes, options } = recorded<string>(s, {
      run: (_item, signal) => untilAborted(cause)(signal),
      timeoutOf: () => 100,
      abortGroup: group,
    });
    s.run(({ expectObservable }) => {
      s.schedule(() => group.abort(), 40);
      expectObservable(runSteps(['a'], options)).toBe('40ms |');
    });
    expect(outcomes.get('a')).toEqual({
      settled: 'rejected',
      timedOut: false,
      aborted: true,
      durationMs: 40,
      error: cause,
    });
  });

  it('accepts an Observable that emits synchronously, and a task that throws', () => {
    const s = scheduler();
    const broke = new Error('broke');
    const { lines, outcomes, options } = recorded<string>(s, {
      run: (item) => {
        if (item === 'throws') throw broke;
        return of(1, 2, 3);
      },
      timeoutOf: () => 10,
    });
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['sync', 'throws'], options)).toBe('|');
    });
    expect(lines).toEqual(['0 sync resolved', '0 throws rejected']);
    expect(outcomes.get('throws')?.error).toBe(broke);
  });

  it('an onOutcome that throws loses no step: every step is still heard, then the batch errors with the first throw', () => {
    const s = scheduler();
    const heard: string[] = [];
    const broken = new Error('reporting broke');
    const options: RunStepsOptions<string> = {
      run: (item) => timer(item === 'a' ? 10 : 20, s),
      timeoutOf: () => 100,
      grace: 0,
      scheduler: s,
      onOutcome: (item) => {
        heard.push(`${s.now()} ${item}`);
        throw item === 'a' ? broken : new Error('later');
      },
    };
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['a', 'b'], options)).toBe('20ms #', undefined, broken);
    });
    expect(heard).toEqual(['10 a', '20 b']);
  });

  it('unsubscribing aborts the steps in flight and cancels the timers', () => {
    const s = scheduler();
    let signal: AbortSignal | undefined;
    const { lines, options } = recorded<string>(s, {
      run: (_item, sig) => ((signal = sig), NEVER),
      timeoutOf: () => 100,
    });
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['a'], options), '^-- 20ms !').toBe('');
    });
    expect(signal?.aborted).toBe(true);
    expect(lines).toEqual([]);
  });

  it('gives steps with the same timeout one signal, and each distinct timeout its own deadline', () => {
    const s = scheduler();
    const signals = new Map<string, AbortSignal>();
    const { lines, options } = recorded<string>(s, {
      run: (item, signal) => {
        signals.set(item, signal);
        return item === 'quick' ? timer(5, s) : untilAborted()(signal);
      },
      timeoutOf: (item) => (item === 'short' ? 20 : 50),
    });
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['quick', 'long', 'short'], options)).toBe('50ms |');
    });
    expect(signals.get('quick')).toBe(signals.get('long'));
    expect(signals.get('short')).not.toBe(signals.get('long'));
    expect(lines).toEqual(['5 quick resolved', '20 short rejected timedOut', '50 long rejected timedOut']);
  });

  it('keeps the deadline of steps in flight when the steps before them settled at once', () => {
    const s = scheduler();
    const { lines, options } = recorded<string>(s, {
      run: (item, signal) => (item === 'sync' ? undefined : untilAborted()(signal)),
      timeoutOf: () => 40,
    });
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['sync', 'hangs'], options)).toBe('40ms |');
    });
    expect(lines).toEqual(['0 sync resolved', '40 hangs rejected timedOut']);
  });

  it('calls onTimeout when a deadline fires, and an abort from the group then reaches the other deadlines', () => {
    const s = scheduler();
    const group = new AbortGroup();
    const reasons = new Map<string, string>();
    const { lines, options } = recorded<string>(s, {
      run: (item, signal) => {
        signal.addEventListener('abort', () => reasons.set(item, (signal.reason as DOMException).name));
        return untilAborted()(signal);
      },
      timeoutOf: (item) => (item === 'short' ? 20 : 50),
      abortGroup: group,
      onTimeout: () => group.abort(),
    });
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['long', 'short'], options)).toBe('20ms |');
    });
    expect(lines).toEqual(['20 short rejected timedOut', '20 long rejected aborted']);
    expect(reasons).toEqual(
      new Map([
        ['short', 'TimeoutError'],
        ['long', 'AbortError'],
      ]),
    );
  });

  it('starts the steps after a synchronous abort with an aborted signal', () => {
    const s = scheduler();
    const group = new AbortGroup();
    const seen: string[] = [];
    const { lines, options } = recorded<string>(s, {
      run: (item, signal) => {
        seen.push(`${item} ${signal.aborted ? 'aborted' : 'live'}`);
        if (item === 'broken') throw new Error('broken');
        return untilAborted()(signal);
      },
      timeoutOf: (item) => (item === 'other-deadline' ? 70 : 50),
      abortGroup: group,
    });
    // Keeps the recorder, and aborts the group at the first failure.
    const record = options.onOutcome;
    s.run(({ expectObservable }) => {
      const steps = runSteps(['first', 'broken', 'after', 'other-deadline'], {
        ...options,
        onOutcome: (item, outcome) => {
          record(item, outcome);
          if (outcome.settled === 'rejected' && !outcome.aborted) group.abort();
        },
      });
      expectObservable(steps).toBe('1000ms |');
    });
    expect(seen).toEqual(['first live', 'broken live', 'after aborted', 'other-deadline aborted']);
    expect(lines).toEqual([
      '0 broken rejected',
      '0 first rejected aborted',
      // These never listen to their signal's abort event: it had fired before they began.
      '1000 after unsettled aborted',
      '1000 other-deadline unsettled aborted',
    ]);
  });

  it('hears a step given up as unsettled that resolves later, when asked to', () => {
    const s = scheduler();
    const late: string[] = [];
    const { lines, options } = recorded<string>(s, {
      run: () => timer(1_500, s),
      timeoutOf: () => 100,
      grace: 200,
      onLateResolve: (item) => late.push(`${s.now()} ${item}`),
    });
    s.run(({ expectObservable }) => {
      expectObservable(runSteps(['stubborn'], options)).toBe('300ms |');
    });
    expect(lines).toEqual(['300 stubborn unsettled timedOut']);
    expect(late).toEqual(['1500 stubborn']);
  });
});
