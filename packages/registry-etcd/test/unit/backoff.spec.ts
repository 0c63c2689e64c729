import { describe, expect, it } from '@jest/globals';
import { defer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { backoffDelay, retryWithBackoff, type RetryNotice } from '../../src/backoff.js';

const exact = { initial: 200, max: 1_000, jitter: 0 };
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('backoffDelay', () => {
  it('retries at once the first time, since a lost lease is best re-granted at once', () => {
    expect(backoffDelay(1, exact)).toBe(0);
  });

  it('doubles from initial and is capped at max', () => {
    expect([2, 3, 4, 5, 6, 50].map((attempt) => backoffDelay(attempt, exact))).toEqual([
      200, 400, 800, 1_000, 1_000, 1_000,
    ]);
  });

  it('takes at most jitter of the delay off, at random', () => {
    const options = { initial: 1_000, max: 10_000, jitter: 0.25 };
    expect(backoffDelay(2, { ...options, random: () => 0 })).toBe(1_000);
    expect(backoffDelay(2, { ...options, random: () => 0.999_999 })).toBe(750);
    expect(backoffDelay(2, { ...options, random: () => 0.5 })).toBe(875);
  });

  it('is never negative nor above max, even for absurd inputs (a retry running for years)', () => {
    for (const attempt of [-3, 0, 1, 2, 1_000, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffDelay(attempt, { initial: 200, max: 2_000, jitter: 5, random: () => 0.7 });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(2_000);
      expect(Number.isFinite(delay)).toBe(true);
    }
  });

  it('defaults to 200 ms doubling up to 2 s with 20 % jitter', () => {
    expect(backoffDelay(2, { random: () => 0 })).toBe(200);
    expect(backoffDelay(20, { random: () => 0 })).toBe(2_000);
    expect(backoffDelay(20, { random: () => 0.999_999 })).toBe(1_600);
  });
});

describe('retryWithBackoff', () => {
  it('retries forever, at capped exponential delays (virtual time)', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const source = cold<string>('#');
      const notices: RetryNotice[] = [];
      const retried = source.pipe(
        retryWithBackoff({ backoff: exact, onRetry: (notice) => notices.push(notice) }),
      );
      expectObservable(retried, '^ 6000ms !').toBe('');
      flush();
      expect(notices.map((notice) => notice.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // Subscribed at 0 and again at 0 (first retry at once), then 200, 400, 800, 1000, 1000… apart.
      expectSubscriptions(source.subscriptions).toBe([
        '(^!)',
        '(^!)',
        '200ms (^!)',
        '600ms (^!)',
        '1400ms (^!)',
        '2400ms (^!)',
        '3400ms (^!)',
        '4400ms (^!)',
        '5400ms (^!)',
      ]);
    });
  });

  it('reports every retry with its attempt number and delay', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const notices: RetryNotice[] = [];
      const retried = cold<string>('#', {}, 'down').pipe(
        retryWithBackoff({ backoff: exact, onRetry: (notice) => notices.push(notice) }),
      );
      // Never completes nor errors: an hour of virtual time later it is still retrying.
      expectObservable(retried, '^ 3600000ms !').toBe('');
      flush();
      expect(notices.length).toBeGreaterThan(3_500);
      expect(notices.slice(0, 4)).toEqual([
        { error: 'down', attempt: 1, delay: 0 },
        { error: 'down', attempt: 2, delay: 200 },
        { error: 'down', attempt: 3, delay: 400 },
        { error: 'down', attempt: 4, delay: 800 },
      ]);
      expect(notices.every((notice) => notice.delay <= 1_000)).toBe(true);
    });
  });

  it('starts the attempt count over after a success', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const attempts = [
        cold<string>('-#'),
        cold<string>('-#'),
        cold<string>('-a-#'),
        cold<string>('-#'),
        cold<string>('-b'),
      ];
      let index = 0;
      const source: Observable<string> = defer(() => attempts[index++] ?? cold<string>('-'));
      const delays: number[] = [];
      const retried = source.pipe(
        retryWithBackoff({ backoff: exact, onRetry: ({ delay }) => delays.push(delay) }),
      );
      // 1: fails at 1, retried at once; 2: fails at 2, retried after 200; 3: emits a at 203, fails at 205,
      // retried at once (count reset); 4: fails at 206, retried after 200; 5: emits b at 407.
      expectObservable(retried).toBe('203ms a 203ms b');
      flush();
      expect(delays).toEqual([0, 200, 0, 200]);
    });
  });

  it('lets an error through when shouldRetry says no', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const retried = cold('--#', {}, 'fatal').pipe(retryWithBackoff({ shouldRetry: () => false }));
      expectObservable(retried).toBe('--#', {}, 'fatal');
    });
  });

  it('wakeUp ends a wait at its first value; it is watched only during waits longer than 0', () => {
    newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      let attempts = 0;
      const source = defer(() => {
        attempts += 1;
        return attempts < 3 ? cold('-#', {}, 'down') : cold('a');
      });
      // Attempt 1 fails at 1, retried at once, fails at 2; the 200 ms wait from 2 ends at 30.
      const wakeUp = hot('30ms y');
      const retried = source.pipe(retryWithBackoff({ backoff: exact, wakeUp: () => wakeUp }));
      expectObservable(retried).toBe('30ms a');
      expectSubscriptions(wakeUp.subscriptions).toBe('--^ 27ms !');
    });
  });
});
