import type { Etcd3 } from 'etcd3';
import { Observable, ReplaySubject } from 'rxjs';
import type { KeptLease, LeaseGrantor } from './kept-lease.js';

/** What `etcdLeaseGrantor` takes. */
export interface EtcdLeaseOptions {
  readonly client: Etcd3;
  readonly key: string;
  readonly value: string;
  /** Lease TTL in seconds. */
  readonly ttl: number;
  /** Deadline of each request, in ms from its start. */
  readonly requestTimeout: number;
  /** Receives the promises of clean-ups that outlive an unsubscription, so `close()` can await them. */
  readonly track: (cleanup: Promise<unknown>) => void;
}

/**
 * A `LeaseGrantor` on etcd3: each subscription grants a lease of `ttl` seconds (kept alive by
 * etcd3, which reports its loss), puts `key` = `value` on it, and emits it. Each instance gets its
 * own lease, so instances never share one lease's fate (Kratos shares one field across them).
 */
export function etcdLeaseGrantor(options: EtcdLeaseOptions): LeaseGrantor {
  const { client, key, value, ttl, requestTimeout, track } = options;
  const deadline = (): { deadline: Date } => ({ deadline: new Date(Date.now() + requestTimeout) });
  return () =>
    new Observable<KeptLease>((subscriber) => {
      const lease = client.lease(ttl, deadline());
      const lost$ = new ReplaySubject<unknown>(1);
      const onLost = (error: unknown): void => lost$.next(error);
      lease.on('lost', onLost);
      let emitted = false;
      lease
        .grant()
        .then(async (id) => {
          // Unsubscribed while granting: the teardown revokes the lease; do not put the key on it.
          if (!subscriber.closed) await lease.put(key).value(value).options(deadline()).exec();
          return id;
        })
        .then(
          (id) => {
            if (subscriber.closed) return;
            emitted = true;
            subscriber.next({
              id,
              lost$: lost$.asObservable(),
              revoke: () => lease.revoke(deadline()),
              release: () => lease.release(),
            });
          },
          (error: unknown) => subscriber.error(error),
        );
      return () => {
        lease.off('lost', onLost);
        if (emitted) {
          lease.release();
        } else {
          // Torn down mid-grant (aborted register, stop while re-registering): revoke what was granted.
          track(lease.revoke(deadline()).catch(() => undefined));
        }
      };
    });
}
