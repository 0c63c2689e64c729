import { describe, expect, it } from '@jest/globals';
import { defer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { recordingLogger } from '@kratos-ts/testing';
import { keepKeyPresent } from '../../src/registration/keep-key-present.js';
import { LeaseGone } from '../../src/registration/lease-gone.js';
import { FakeLease } from '../support/fake-lease.js';

const key = '/microservices/greeter/1';
const backoff = { initial: 100, max: 1_000, jitter: 0 };
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const T = true;
const F = false;

describe('keepKeyPresent', () => {
  it('puts a key that disappears back on the same lease at once, and logs both', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, hot, expectObservable, flush }) => {
      const logger = recordingLogger(() => scheduler.now());
      const present$ = hot('t 9ms f 4ms t', { t: T, f: F });
      const putFrames: number[] = [];
      const lease = new FakeLease('L1', undefined, {
        present$,
        putAgain: [
          () => {
            putFrames.push(scheduler.now());
            return cold<void>('----|');
          },
        ],
      });
      expectObservable(keepKeyPresent(lease, { key, logger, backoff }), '^ 100ms !').toBe('');
      flush();
      expect(putFrames).toEqual([10]);
      expect(logger.messages('warn')).toEqual([
        `"${key}" disappeared from etcd while registered (deleted out of band, or another registry holding the same instance id deregistered); putting it back on lease L1`,
      ]);
      expect(logger.messages('info')).toEqual([`"${key}" is back in etcd after 5 ms`]);
    });
  });

  it('never touches a key that is present, whoever holds it', () => {
    newScheduler().run(({ hot, flush }) => {
      const logger = recordingLogger();
      const lease = new FakeLease('L1', undefined, { present$: hot('t-t-t-t', { t: T }) });
      keepKeyPresent(lease, { key, logger, backoff }).subscribe();
      flush();
      expect(lease.putsAgain).toBe(0);
      expect(logger.records).toEqual([]);
    });
  });

  it('retries a failed put with capped backoff until it is stored', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, hot, flush }) => {
      const logger = recordingLogger();
      const frames: number[] = [];
      const failing = (): Observable<void> => {
        frames.push(scheduler.now());
        return cold<void>('#', {}, new Error('UNAVAILABLE'));
      };
      const lease = new FakeLease('L1', undefined, {
        present$: hot('f', { f: F }),
        putAgain: [
          failing,
          failing,
          failing,
          failing,
          failing,
          () => (frames.push(scheduler.now()), cold('|')),
        ],
      });
      let ended = false;
      keepKeyPresent(lease, { key, logger, backoff }).subscribe({ error: () => (ended = true) });
      flush();
      // At once, then 0, 100, 200, 400, 800 ms apart.
      expect(frames).toEqual([0, 0, 100, 300, 700, 1_500]);
      expect(ended).toBe(false);
      expect(logger.messages('warn')[5]).toBe(
        `Putting "${key}" back failed (UNAVAILABLE); attempt 5 in 800 ms`,
      );
    });
  });

  it('stops putting once the key is back by another hand (no tug of war)', () => {
    newScheduler().run(({ cold, hot, flush }) => {
      const logger = recordingLogger();
      const lease = new FakeLease('L1', undefined, {
        present$: hot('f 250ms t', { f: F, t: T }),
        putAgain: [() => cold<void>('#', {}, new Error('UNAVAILABLE'))],
      });
      keepKeyPresent(lease, { key, logger, backoff }).subscribe();
      flush();
      // Attempts at 0, 0 and 100 ms; the one due at 300 ms never runs.
      expect(lease.putsAgain).toBe(3);
      expect(logger.messages('info')).toEqual([`"${key}" is back in etcd after 251 ms`]);
    });
  });

  it('errors with LeaseGone when the lease is gone, without retrying', () => {
    newScheduler().run(({ cold, hot, expectObservable, flush }) => {
      const logger = recordingLogger();
      const gone = new LeaseGone('L1');
      const lease = new FakeLease('L1', undefined, {
        present$: hot('--f', { f: F }),
        putAgain: [() => cold<void>('-#', {}, gone)],
      });
      expectObservable(keepKeyPresent(lease, { key, logger, backoff })).toBe('---#', {}, gone);
      flush();
      expect(lease.putsAgain).toBe(1);
    });
  });

  it('re-establishes a broken watch with backoff, and puts back a key that went meanwhile', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const logger = recordingLogger();
      // First watch: present, then breaks at 5 ms; every re-read finds the key gone.
      let watches = 0;
      const present$ = cold('-t---#', { t: T }, new Error('watch cancelled: compacted'));
      const gone$ = cold('-f', { f: F });
      const lease = new FakeLease('L1', undefined, {
        present$: defer(() => (watches++ === 0 ? present$ : gone$)),
      });
      expectObservable(keepKeyPresent(lease, { key, logger, backoff }), '^ 50ms !').toBe('');
      flush();
      expect(watches).toBe(2);
      expect(lease.putsAgain).toBe(1);
      expect(logger.messages('warn')[0]).toBe(
        `The watch of "${key}" broke (watch cancelled: compacted); re-establishing it: attempt 1 in 0 ms`,
      );
    });
  });

  it('a watch that breaks right after every read backs off instead of re-reading at once', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, flush }) => {
      const frames: number[] = [];
      const lease = new FakeLease('L1', undefined, {
        present$: defer(() => {
          frames.push(scheduler.now());
          return cold('t#', { t: T }, new Error('watch refused'));
        }),
      });
      const subscription = keepKeyPresent(lease, { key, logger: recordingLogger(), backoff }).subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 3_000);
      flush();
      // Each session lasts 1 ms; the retries wait 0, 100, 200, 400, 800, then 1000 ms (capped).
      expect(frames).toEqual([0, 1, 102, 303, 704, 1_505, 2_506]);
    });
  });

  it('unsubscribing ends the watch and any put in flight', () => {
    newScheduler().run(({ cold, hot, expectSubscriptions }) => {
      const present$ = hot('f', { f: F });
      const put$ = cold<void>('------|');
      const lease = new FakeLease('L1', undefined, { present$, putAgain: [() => put$] });
      const subscription = keepKeyPresent(lease, { key, logger: recordingLogger(), backoff }).subscribe();
      cold('---x').subscribe(() => subscription.unsubscribe());
      expectSubscriptions(present$.subscriptions).toBe('^--!');
      expectSubscriptions(put$.subscriptions).toBe('^--!');
    });
  });
});
