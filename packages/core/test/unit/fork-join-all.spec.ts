import { describe, expect, it } from '@jest/globals';
import { timer, map, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { forkJoinAll } from '../../src/kernel/fork-join-all.js';

describe('forkJoinAll', () => {
  it('subscribes every source at once and emits all results in order when the slowest completes', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => {
      // 1000 sources (four chunks), finishing in reverse order.
      const sources = Array.from({ length: 1_000 }, (_, i) => timer(1_000 - i, scheduler).pipe(map(() => i)));
      expectObservable(forkJoinAll(sources)).toBe('1000ms (r|)', {
        r: Array.from({ length: 1_000 }, (_, i) => i),
      });
    });
  });

  it('errors as soon as one source errors, like forkJoin', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const sources = Array.from({ length: 600 }, (_, i) =>
        i === 400 ? cold('--#', {}, 'boom') : cold('-----a|'),
      );
      expectObservable(forkJoinAll(sources)).toBe('--#', {}, 'boom');
      expectObservable(forkJoinAll([throwError(() => 'now')])).toBe('#', {}, 'now');
    });
  });

  it('completes at once with an empty list', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => expectObservable(forkJoinAll([])).toBe('|'));
  });
});
