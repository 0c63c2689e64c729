import { describe, expect, it } from '@jest/globals';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { answerProbe } from '../../src/registration/answer-probe.js';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('answerProbe', () => {
  it('probes again interval ms after each failure, one probe at a time, and emits once answered', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const probedAt: number[] = [];
      const probe = (): Observable<unknown> => {
        probedAt.push(scheduler.now());
        // A frozen etcd: the first probe runs to its 20 ms deadline; then refused twice; then answers.
        return probedAt.length === 1
          ? cold('20ms #', {}, new Error('DEADLINE_EXCEEDED'))
          : probedAt.length < 4
            ? cold('-#', {}, new Error('UNAVAILABLE'))
            : cold('--t', { t: true });
      };
      expectObservable(answerProbe(probe, { interval: 100, scheduler })).toBe('324ms (x|)', { x: undefined });
      scheduler.flush();
      expect(probedAt).toEqual([0, 120, 221, 322]);
    });
  });

  it('a probe in flight when etcd resumes answers at once', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const answerAtResume = cold('700ms t', { t: true });
      expectObservable(answerProbe(() => answerAtResume, { interval: 100 })).toBe('700ms (x|)', {
        x: undefined,
      });
    });
  });

  it('unsubscribing ends the probing', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-#', {}, new Error('UNAVAILABLE'));
      expectObservable(
        answerProbe(() => failing, { interval: 10 }),
        '^ 15ms !',
      ).toBe('');
      expectSubscriptions(failing.subscriptions).toBe(['^!', '11ms ^!']);
    });
  });
});
