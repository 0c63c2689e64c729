import { describe, expect, it } from '@jest/globals';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { recordingLogger } from '@kratos-ts/testing';
import { keepRegistered } from '../../src/registration/keep-registered.js';
import type { KeptLease } from '../../src/registration/kept-lease.js';
import { FakeLease, scriptedGrantor } from '../support/fake-lease.js';

// Kratos #2398, #3464, #3883: the etcd registry's heartbeat retried re-registration a few times
// after its keepalive channel closed, then returned for good: the instance silently vanished from
// the registry while the process kept serving.
describe('Kratos defect: an etcd heartbeat that gives up for good (#2398, #3464, #3883)', () => {
  it('is still re-registering after an hour of failures, and the instance comes back', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, flush }) => {
      const lost = new FakeLease('L1', cold('-x', { x: new Error('keepalive stream broken') }));
      const back = new FakeLease('L2');
      // With backoff capped at 2 s, 1800 failed attempts span about an hour of virtual time.
      const outage = Array.from(
        { length: 1_800 },
        () => (): Observable<KeptLease> => cold('-#', {}, new Error('UNAVAILABLE')),
      );
      const grantor = scriptedGrantor([
        () => cold('a', { a: lost }),
        ...outage,
        () => cold('b', { b: back }),
      ]);
      const leases: KeptLease[] = [];
      let gaveUp = false;
      keepRegistered(grantor.grant, {
        key: '/microservices/greeter/1',
        logger: recordingLogger(),
        backoff: { initial: 200, max: 2_000, jitter: 0 },
      }).subscribe({
        next: (lease) => leases.push(lease),
        error: () => (gaveUp = true),
        complete: () => (gaveUp = true),
      });
      flush();
      expect(gaveUp).toBe(false);
      expect(grantor.subscriptions()).toBe(1_802);
      expect(leases).toEqual([lost, back]);
    });
  });
});
