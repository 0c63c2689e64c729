import type { Etcd3, IWatchResponse, Watcher } from 'etcd3';
import { Observable } from 'rxjs';
import { requestDeadline } from '../request-deadline.js';

/** What `etcdKeyPresence` takes. */
export interface EtcdKeyPresenceOptions {
  readonly client: Etcd3;
  /** The exact key watched. */
  readonly key: string;
  /** Deadline of the initial read, in ms. */
  readonly requestTimeout: number;
  /** Receives the promise of the watcher's cancellation, so `close()` can await it. */
  readonly track: (cleanup: Promise<unknown>) => void;
}

/**
 * Whether one key is in etcd: reads it and emits `true` or `false`, then watches it from the next
 * revision (so no change in between is missed) and emits after each batch of changes whether its
 * last one was a put. One etcd watcher, on the client's shared watch stream; nothing is polled.
 * Errors if the read fails or etcd cancels the watch; etcd3 itself resumes a watch after a dropped
 * connection, from where it was. The watcher is cancelled on unsubscribe.
 */
export function etcdKeyPresence(options: EtcdKeyPresenceOptions): Observable<boolean> {
  const { client, key, requestTimeout, track } = options;
  return new Observable<boolean>((subscriber) => {
    let watcher: Watcher | undefined;
    let closed = false;
    client
      .get(key)
      .options(requestDeadline(requestTimeout))
      .exec()
      .then(
        (response) => {
          if (closed) return;
          subscriber.next(response.kvs.length > 0);
          // A subscriber that unsubscribed on that first answer must not leave a watcher behind:
          // etcd3 would keep re-opening it, and it would keep the process alive.
          if (closed || subscriber.closed) return;
          const next = (BigInt(response.header.revision) + 1n).toString();
          watcher = client.watch().key(key).startRevision(next).watcher();
          watcher.on('data', (changes: IWatchResponse) => {
            const last = changes.events.at(-1);
            if (last) subscriber.next(last.type === 'Put');
          });
          watcher.on('error', (error: unknown) => subscriber.error(error));
        },
        (error: unknown) => subscriber.error(error),
      );
    return () => {
      closed = true;
      if (watcher) track(watcher.cancel().catch(() => undefined));
    };
  });
}
