import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { defer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { recordingLogger } from '@kratos-ts/testing';
import { watchService } from '../../src/watch/watch-service.js';

const instance = (id: string): ServiceInstance => ({
  id,
  name: 'greeter',
  version: '1',
  metadata: {},
  endpoints: [],
});
const a = [instance('1')];
const b = [instance('1'), instance('2')];
const backoff = { initial: 100, max: 400, jitter: 0 };
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('watchService', () => {
  it('emits the full list on subscribe and after every change', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const open = cold('a--b--a', { a, b });
      expectObservable(
        watchService(() => open, { name: 'greeter', logger: recordingLogger(), backoff }),
      ).toBe('a--b--a', { a, b });
    });
  });

  it('re-establishes the watch after an error, with backoff, and emits the full list again', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const logger = recordingLogger();
      const attempts = [cold('a-#', { a }), cold<ServiceInstance[]>('#'), cold('b', { b })];
      let index = 0;
      const open = (): Observable<ServiceInstance[]> => defer(() => attempts[Math.min(index++, 2)]!);
      // a at 0, error at 2 → reopened at once, errors → reopened after 100 ms → b at 102.
      expectObservable(watchService(open, { name: 'greeter', logger, backoff })).toBe('a 101ms b', { a, b });
      flush();
      expect(index).toBe(3);
    });
  });

  it('logs every re-establishment with the service name', () => {
    newScheduler().run(({ cold, flush }) => {
      const logger = recordingLogger();
      const attempts = [cold('a-#', { a }, new Error('compacted')), cold('b', { b })];
      let index = 0;
      watchService(() => attempts[index++]!, { name: 'greeter', logger, backoff }).subscribe();
      flush();
      expect(logger.messages('warn')).toEqual([
        'The watch of service "greeter" broke (compacted); re-establishing it: attempt 1 in 0 ms',
      ]);
    });
  });

  it('unsubscribing tears the open watch down', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const open = cold('a--b--a', { a, b });
      expectObservable(
        watchService(() => open, { name: 'greeter', logger: recordingLogger(), backoff }),
        '^----!',
      ).toBe('a--b', {
        a,
        b,
      });
      expectSubscriptions(open.subscriptions).toBe('^----!');
    });
  });
});
