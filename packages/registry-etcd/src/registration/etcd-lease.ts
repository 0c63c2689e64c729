import { EtcdLeaseInvalidError, type Etcd3 } from 'etcd3';
import { defer, map, Observable, ReplaySubject, throwError, catchError } from 'rxjs';
import { etcdKeyPresence } from './etcd-key-presence.js';
import type { KeepaliveEvents } from './keepalive-stall.js';
import type { KeptLease, LeaseGrantor } from './kept-lease.js';
import { LeaseGone } from './lease-gone.js';
import { requestDeadline } from '../request-deadline.js';

/** What `etcdLeaseGrantor` takes. */
export interface EtcdLeaseOptions {
  readonly client: Etcd3;
  readonly key: string;
  readonly value: string;
  /** Lease TTL in seconds. */
  readonly ttl: number;
  /** Deadline of each attempt of a request, in ms from its start. */
  readonly requestTimeout: number;
  /** Receives the promises of clean-ups that outlive an unsubscription, so `close()` can await them. */
  readonly track: (cleanup: Promise<unknown>) => void;
  /** Watches each granted lease's keepalive answers (`reportKeepaliveStall`); returns its stop. */
  readonly watchKeepalive?: (lease: KeepaliveEvents, leaseId: string) => () => void;
}

/**
 * A `LeaseGrantor` on etcd3: each subscription grants a lease of `ttl` seconds (kept alive by
 * etcd3, which reports its loss), puts `key` = `value` on it, and emits it. Each instance gets its
 * own lease, so instances never share one lease's fate (Kratos shares one field across them).
 * The lease's `present$` watches the key (one etcd watcher per registered instance) and
 * `putAgain` puts it back on the same lease.
 */
export function etcdLeaseGrantor(options: EtcdLeaseOptions): LeaseGrantor {
  const { client, key, value, ttl, requestTimeout, track, watchKeepalive } = options;
  // Each attempt of each request (its failover retry too) gets its own requestTimeout.
  const deadline = (): { readonly deadline: Date } => requestDeadline(requestTimeout);
  return () =>
    new Observable<KeptLease>((subscriber) => {
      const lease = client.lease(ttl, deadline());
      const lost$ = new ReplaySubject<unknown>(1);
      const onLost = (error: unknown): void => lost$.next(error);
      lease.on('lost', onLost);
      let emitted = false;
      let stopWatchingKeepalive: (() => void) | undefined;
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
            stopWatchingKeepalive = watchKeepalive?.(lease, id);
            subscriber.next({
              id,
              lost$: lost$.asObservable(),
              present$: etcdKeyPresence({ client, key, requestTimeout, track }),
              putAgain: () =>
                defer(() => lease.put(key).value(value).options(deadline()).exec()).pipe(
                  map((): void => undefined),
                  catchError((error: unknown) =>
                    throwError(() =>
                      error instanceof EtcdLeaseInvalidError ? new LeaseGone(id, { cause: error }) : error,
                    ),
                  ),
                ),
              revoke: () => lease.revoke(deadline()),
              release: () => lease.release(),
            });
          },
          (error: unknown) => subscriber.error(error),
        );
      return () => {
        lease.off('lost', onLost);
        stopWatchingKeepalive?.();
        if (emitted) {
          lease.release();
        } else {
          // Torn down mid-grant (aborted register, stop while re-registering): revoke what was granted.
          track(lease.revoke(deadline()).catch(() => undefined));
        }
      };
    });
}
