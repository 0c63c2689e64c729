import { describe, expect, it } from '@jest/globals';
import { NEVER, Observable, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AbortGroup } from '../../src/kernel/abort-group.js';
import { guardedStep } from '../../src/kernel/guarded-step.js';

const scheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

describe('guardedStep', () => {
  it('emits one resolved outcome when the task settles in time, and completes', () => {
    const s = scheduler();
    s.run(({ expectObservable }) => {
      const step = guardedStep(() => timer(30, s), { timeout: 100, grace: 10, scheduler: s });
      expectObservable(step).toBe('30ms (o|)', {
        o: { settled: 'resolved', timedOut: false, aborted: false, durationMs: 30 },
      });
    });
  });

  it('aborts its signal at the timeout and gives up after the grace period', () => {
    const s = scheduler();
    let signal: AbortSignal | undefined;
    s.run(({ expectObservable }) => {
      const step = guardedStep((sig) => ((signal = sig), NEVER), {
        timeout: 100,
        grace: 1_000,
        scheduler: s,
      });
      expectObservable(step).toBe('1100ms (o|)', {
        o: { settled: 'unsettled', timedOut: true, aborted: false, durationMs: 1_100 },
      });
    });
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as DOMException).name).toBe('TimeoutError');
  });

  it('is aborted by its group, and a task that then rejects reports rejected + aborted', () => {
    const s = scheduler();
    const group = new AbortGroup();
    const cause = new Error('gave up');
    s.run(({ expectObservable }) => {
      s.schedule(() => group.abort(), 40);
      const step = guardedStep(
        (signal) =>
          new Observable<never>((subscriber) =>
            signal.addEventListener('abort', () => subscriber.error(cause), { once: true }),
          ),
        { timeout: 100, grace: 1_000, scheduler: s, abortGroup: group },
      );
      expectObservable(step).toBe('40ms (o|)', {
        o: { settled: 'rejected', timedOut: false, aborted: true, durationMs: 40, error: cause },
      });
    });
  });

  it('accepts an Observable that emits synchronously', () => {
    const s = scheduler();
    s.run(({ expectObservable }) => {
      expectObservable(guardedStep(() => of(1, 2, 3), { timeout: 10, grace: 1, scheduler: s })).toBe('(o|)', {
        o: { settled: 'resolved', timedOut: false, aborted: false, durationMs: 0 },
      });
    });
  });

  it('unsubscribing aborts the task and cancels its timers', () => {
    const s = scheduler();
    let signal: AbortSignal | undefined;
    s.run(({ expectObservable }) => {
      const step = guardedStep((sig) => ((signal = sig), NEVER), { timeout: 100, grace: 10, scheduler: s });
      expectObservable(step, '^-- 20ms !').toBe('');
    });
    expect(signal?.aborted).toBe(true);
  });
});
