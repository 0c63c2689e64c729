import { describe, expect, it } from '@jest/globals';
import { throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { recordingLogger } from '@kratos-ts/testing';
import { keepRegistered } from '../../src/registration/keep-registered.js';
import type { KeptLease } from '../../src/registration/kept-lease.js';
import { LeaseGone } from '../../src/registration/lease-gone.js';
import { FakeLease, scriptedGrantor } from '../support/fake-lease.js';

const key = '/microservices/greeter/1';
const backoff = { initial: 100, max: 1_000, jitter: 0 };
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('keepRegistered', () => {
  it('without retryFirst, the first failed attempt is not retried, so register fails and the app rolls back', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const logger = recordingLogger();
      const grantor = scriptedGrantor([() => cold<KeptLease>('-----#', {}, new Error('ECONNREFUSED'))]);
      expectObservable(keepRegistered(grantor.grant, { key, logger, backoff })).toBe(
        '-----#',
        {},
        new Error('ECONNREFUSED'),
      );
      flush();
      expect(grantor.subscriptions()).toBe(1);
      expect(logger.records).toEqual([]);
    });
  });

  it('retryFirst: a first attempt etcd did not answer is retried with backoff until it succeeds, each failure logged', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const logger = recordingLogger();
      const down = (): Observable<KeptLease> => cold<KeptLease>('-#', {}, new Error('ECONNREFUSED'));
      const lease = new FakeLease('L1');
      const grantor = scriptedGrantor([down, down, down, () => cold('a', { a: lease })]);
      const failed: number[] = [];
      const kept = keepRegistered(grantor.grant, {
        key,
        logger,
        backoff,
        retryFirst: (error) => (error as Error).message === 'ECONNREFUSED',
        onFailedAttempt: (_error, attempt) => failed.push(attempt),
      });
      // Fails at 1; retried at once (fails at 2), after 100 ms (fails at 103), after 200 ms: stored at 303.
      expectObservable(kept).toBe('303ms a', { a: lease });
      flush();
      expect(grantor.subscriptions()).toBe(4);
      expect(failed).toEqual([1, 2, 3]);
      expect(logger.messages('warn')).toEqual([
        `Registering "${key}" failed (ECONNREFUSED); attempt 1 in 0 ms, until the registrar's deadline`,
        `Registering "${key}" failed (ECONNREFUSED); attempt 2 in 100 ms, until the registrar's deadline`,
        `Registering "${key}" failed (ECONNREFUSED); attempt 3 in 200 ms, until the registrar's deadline`,
      ]);
    });
  });

  it('retryFirst: a first attempt it does not accept (etcd refused) goes through at once', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const logger = recordingLogger();
      const grantor = scriptedGrantor([() => cold<KeptLease>('-#', {}, new Error('permission denied'))]);
      const kept = keepRegistered(grantor.grant, {
        key,
        logger,
        backoff,
        retryFirst: (error) => (error as Error).message === 'ECONNREFUSED',
      });
      expectObservable(kept).toBe('-#', {}, new Error('permission denied'));
      flush();
      expect(grantor.subscriptions()).toBe(1);
    });
  });

  it('registryAnswers ends a backoff wait at once: the next attempt starts when etcd answers again', () => {
    newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions, flush }) => {
      const logger = recordingLogger();
      const first = new FakeLease('L1', cold('x', { x: new Error('keepalive failed') }));
      const back = new FakeLease('L2');
      const down = (): Observable<KeptLease> => cold<KeptLease>('-#', {}, new Error('UNAVAILABLE'));
      const grantor = scriptedGrantor([() => cold('a', { a: first }), down, () => cold('b', { b: back })]);
      // etcd answers a probe at 50 ms: the 1000 ms wait before attempt 2 ends then.
      const answers = hot('50ms y');
      const slow = { initial: 1_000, max: 1_000, jitter: 0 };
      expectObservable(
        keepRegistered(grantor.grant, { key, logger, backoff: slow, registryAnswers: () => answers }),
        '^ 2s !',
      ).toBe('a 49ms b', { a: first, b: back });
      flush();
      // Lost at 0, attempt 1 at once (fails at 1); the 1000 ms wait from 1 ends at 50: attempt 2 stores it.
      expect(grantor.subscriptions()).toBe(3);
      // Watched only while waiting: from the wait's start to the answer.
      expectSubscriptions(answers.subscriptions).toBe('-^ 48ms !');
    });
  });

  it('a lost lease is re-granted at once and the key put on the new lease; both are logged', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const logger = recordingLogger();
      const first = new FakeLease('L1', cold('---x|', { x: new Error('lease revoked') }));
      const second = new FakeLease('L2');
      const grantor = scriptedGrantor([() => cold('-a', { a: first }), () => cold('-b', { b: second })]);
      expectObservable(keepRegistered(grantor.grant, { key, logger, backoff }), '^ 100ms !').toBe('-a---b', {
        a: first,
        b: second,
      });
      flush();
      expect(grantor.subscriptions()).toBe(2);
      expect(logger.messages('warn')).toEqual([
        `Lease L1 of "${key}" was lost (lease revoked); re-registering: attempt 1 in 0 ms`,
      ]);
      expect(logger.messages('info')).toEqual([
        `"${key}" is registered again, on lease L2, after 1 attempt(s) in 1 ms`,
      ]);
    });
  });

  it('never gives up: retries forever with capped backoff while etcd is down, then recovers', () => {
    newScheduler().run(({ cold, flush }) => {
      const logger = recordingLogger();
      const first = new FakeLease('L1', cold('-x', { x: new Error('keepalive failed') }));
      const failures = Array.from(
        { length: 200 },
        () => () => cold<KeptLease>('-#', {}, new Error('UNAVAILABLE')),
      );
      const recovered = new FakeLease('L2');
      const grantor = scriptedGrantor([
        () => cold('a', { a: first }),
        ...failures,
        () => cold('b', { b: recovered }),
      ]);
      const seen: KeptLease[] = [];
      let ended = false;
      keepRegistered(grantor.grant, { key, logger, backoff }).subscribe({
        next: (lease) => seen.push(lease),
        error: () => (ended = true),
        complete: () => (ended = true),
      });
      flush();
      expect(ended).toBe(false);
      expect(seen).toEqual([first, recovered]);
      expect(grantor.subscriptions()).toBe(202);
      // One loss, 200 failed attempts, each logged with what comes next; then the recovery.
      const warnings = logger.messages('warn');
      expect(warnings).toHaveLength(201);
      expect(warnings[200]).toBe(`Re-registering "${key}" failed (UNAVAILABLE); attempt 201 in 1000 ms`);
      expect(logger.messages('info')[0]).toMatch(
        `"${key}" is registered again, on lease L2, after 201 attempt(s)`,
      );
    });
  });

  it('spaces the attempts by capped exponential backoff', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, flush }) => {
      const logger = recordingLogger();
      const lease = new FakeLease('L1', cold('x', { x: 'lost' }));
      const frames: number[] = [];
      let attempt = 0;
      const grant = (): Observable<KeptLease> => {
        frames.push(scheduler.now());
        attempt += 1;
        return attempt === 1 ? cold('a', { a: lease }) : throwError(() => new Error('down'));
      };
      const subscription = keepRegistered(grant, { key, logger, backoff }).subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 3_000);
      flush();
      // Lost at 0: attempt 1 at once, then 100, 200, 400, 800, 1000 ms apart (capped).
      expect(frames).toEqual([0, 0, 100, 300, 700, 1_500, 2_500]);
    });
  });

  it('a key that disappears is put back on the same lease, with no new grant', () => {
    newScheduler().run(({ cold, hot, flush }) => {
      const logger = recordingLogger();
      const lease = new FakeLease('L1', undefined, { present$: hot('-t--f', { t: true, f: false }) });
      const grantor = scriptedGrantor([() => cold('a', { a: lease })]);
      keepRegistered(grantor.grant, { key, logger, backoff }).subscribe();
      flush();
      expect(lease.putsAgain).toBe(1);
      expect(grantor.subscriptions()).toBe(1);
    });
  });

  it('a put-back that finds the lease gone counts as a lost lease: a new one is granted at once', () => {
    newScheduler().run(({ cold, hot, expectObservable, flush }) => {
      const logger = recordingLogger();
      const first = new FakeLease('L1', undefined, {
        present$: hot('--f', { f: false }),
        putAgain: [() => cold<void>('#', {}, new LeaseGone('L1'))],
      });
      const second = new FakeLease('L2');
      const grantor = scriptedGrantor([() => cold('a', { a: first }), () => cold('-b', { b: second })]);
      expectObservable(keepRegistered(grantor.grant, { key, logger, backoff }), '^ 50ms !').toBe('a--b', {
        a: first,
        b: second,
      });
      flush();
      expect(logger.messages('warn')[1]).toBe(
        `Lease L1 of "${key}" was lost (lease L1 no longer exists); re-registering: attempt 1 in 0 ms`,
      );
    });
  });

  it('unsubscribing releases the lease and stops re-registering', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const logger = recordingLogger();
      const lost$ = cold('-----x');
      const lease = new FakeLease('L1', lost$);
      const attempt = cold('-a', { a: lease });
      const grantor = scriptedGrantor([() => attempt]);
      expectObservable(keepRegistered(grantor.grant, { key, logger, backoff }), '^--!').toBe('-a', {
        a: lease,
      });
      expectSubscriptions(attempt.subscriptions).toBe('^--!');
      expectSubscriptions(lost$.subscriptions).toBe('-^-!');
    });
  });
});
