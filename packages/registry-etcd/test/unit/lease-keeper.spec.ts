import { describe, expect, it } from '@jest/globals';
import { Subject, throwError } from 'rxjs';
import { recordingLogger } from '@kratos-ts/testing';
import { LeaseKeeper } from '../../src/lease-keeper.js';
import type { KeptLease, LeaseGrantor } from '../../src/kept-lease.js';
import { FakeLease, scriptedGrantor } from '../support/fake-lease.js';

const key = '/microservices/greeter/1';

function keeperOf(grant: LeaseGrantor): LeaseKeeper {
  return new LeaseKeeper(grant, {
    key,
    logger: recordingLogger(),
    backoff: { initial: 1, max: 1, jitter: 0 },
    startFailure: (error) => new Error(`start failed: ${String(error)}`),
    abortFailure: (action, reason) => new Error(`${action} aborted: ${String(reason)}`),
    stopFailure: (error) => new Error(`stop failed: ${String(error)}`),
  });
}

describe('LeaseKeeper', () => {
  it('start resolves once the key is on a lease', async () => {
    const attempt = new Subject<KeptLease>();
    const keeper = keeperOf(() => attempt);
    const started = keeper.start(new AbortController().signal);
    const lease = new FakeLease('L1');
    attempt.next(lease);
    await expect(started).resolves.toBeUndefined();
    expect(keeper.lease).toBe(lease);
  });

  it('start rejects with startFailure when the first attempt fails', async () => {
    const keeper = keeperOf(() => throwError(() => 'UNAVAILABLE'));
    await expect(keeper.start()).rejects.toThrow('start failed: UNAVAILABLE');
    expect(keeper.lease).toBeUndefined();
  });

  it('an aborted signal rejects start at once and tears the pending grant down', async () => {
    const attempt = new Subject<KeptLease>();
    const grantor = scriptedGrantor([() => attempt]);
    const keeper = keeperOf(grantor.grant);
    const controller = new AbortController();
    const started = keeper.start(controller.signal);
    controller.abort('registrarTimeout');
    await expect(started).rejects.toThrow('Registering aborted: registrarTimeout');
    expect(grantor.teardowns()).toBe(1);
    expect(attempt.observed).toBe(false);
  });

  it('a signal aborted before start rejects without granting anything', async () => {
    const grantor = scriptedGrantor([() => new Subject<KeptLease>()]);
    const keeper = keeperOf(grantor.grant);
    await expect(keeper.start(AbortSignal.abort('late'))).rejects.toThrow('Registering aborted: late');
    expect(grantor.subscriptions()).toBe(0);
  });

  it('stop stops re-registering and revokes the current lease', async () => {
    const attempt = new Subject<KeptLease>();
    const keeper = keeperOf(() => attempt);
    const started = keeper.start();
    const lease = new FakeLease('L1');
    attempt.next(lease);
    await started;
    await keeper.stop();
    expect(lease.revoked).toBe(1);
    expect(attempt.observed).toBe(false);
    expect(keeper.lease).toBeUndefined();
  });

  it('stop rejects with stopFailure when etcd does not revoke', async () => {
    const attempt = new Subject<KeptLease>();
    const keeper = keeperOf(() => attempt);
    const started = keeper.start();
    attempt.next(new FakeLease('L1', undefined, () => Promise.reject(new Error('UNAVAILABLE'))));
    await started;
    await expect(keeper.stop()).rejects.toThrow('stop failed: Error: UNAVAILABLE');
  });

  it('stop honours its signal when the revocation hangs', async () => {
    const attempt = new Subject<KeptLease>();
    const keeper = keeperOf(() => attempt);
    const started = keeper.start();
    attempt.next(new FakeLease('L1', undefined, () => new Promise<void>(() => undefined)));
    await started;
    const controller = new AbortController();
    const stopped = keeper.stop(controller.signal);
    controller.abort('registrarTimeout');
    await expect(stopped).rejects.toThrow('Deregistering aborted: registrarTimeout');
  });
});
