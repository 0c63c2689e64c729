import { describe, expect, it } from '@jest/globals';
import { of, Subject, throwError } from 'rxjs';
import { recordingLogger } from '@kratos-ts/testing';
import { LeaseKeeper } from '../../src/registration/lease-keeper.js';
import type { KeptLease, LeaseGrantor } from '../../src/registration/kept-lease.js';
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

function retryingKeeperOf(grant: LeaseGrantor): LeaseKeeper {
  return new LeaseKeeper(grant, {
    key,
    logger: recordingLogger(),
    backoff: { initial: 1, max: 1, jitter: 0 },
    retryFirst: (error) => error === 'UNAVAILABLE',
    startFailure: (error) => new Error(`start failed: ${String(error)}`),
    abortFailure: (action, reason, last) =>
      new Error(
        `${action} aborted: ${String(reason)}${last ? `, last ${String(last.error)} after ${last.attempts}` : ''}`,
      ),
    stopFailure: (error) => new Error(`stop failed: ${String(error)}`),
  });
}

describe('LeaseKeeper', () => {
  it('with a signal, attempts etcd does not answer are retried until it succeeds', async () => {
    const lease = new FakeLease('L1');
    const down = (): ReturnType<LeaseGrantor> => throwError(() => 'UNAVAILABLE');
    const grantor = scriptedGrantor([down, down, down, () => of(lease)]);
    const keeper = retryingKeeperOf(grantor.grant);
    await expect(keeper.start(new AbortController().signal)).resolves.toBeUndefined();
    expect(grantor.subscriptions()).toBe(4);
    expect(keeper.lease).toBe(lease);
  });

  it('with a signal, the abort ends the retries and names the last failure; nothing is left retrying', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const keeper = retryingKeeperOf(() => {
      attempts += 1;
      if (attempts === 3) controller.abort('registrarTimeout');
      return throwError(() => 'UNAVAILABLE');
    });
    await expect(keeper.start(controller.signal)).rejects.toThrow(
      'Registering aborted: registrarTimeout, last UNAVAILABLE after 2',
    );
    const made = attempts;
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempts).toBe(made);
  });

  it('without a signal, or for a refusal, the first failure rejects at once', async () => {
    const unanswered = scriptedGrantor([() => throwError(() => 'UNAVAILABLE')]);
    await expect(retryingKeeperOf(unanswered.grant).start()).rejects.toThrow('start failed: UNAVAILABLE');
    expect(unanswered.subscriptions()).toBe(1);
    const refused = scriptedGrantor([() => throwError(() => 'permission denied')]);
    await expect(retryingKeeperOf(refused.grant).start(new AbortController().signal)).rejects.toThrow(
      'start failed: permission denied',
    );
    expect(refused.subscriptions()).toBe(1);
  });

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
