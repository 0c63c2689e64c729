import { describeError } from '@kratos-ts/core/internal';
import type { Logger, ServiceInstance } from '@kratos-ts/core';
import type { Etcd3, IWatchResponse, Watcher } from 'etcd3';
import { Observable } from 'rxjs';
import { decodeInstance } from '../instance-codec.js';
import type { OutageReport } from '../outage-report.js';
import { shownKey } from '../shown-key.js';

/** What `etcdServiceWatch` takes. */
export interface EtcdServiceWatchOptions {
  readonly client: Etcd3;
  /** The service's key prefix, with its trailing slash. */
  readonly prefix: string;
  /** The service's name; values naming another service are ignored, as in Kratos. */
  readonly name: string;
  /** Deadline of the initial read, in ms. */
  readonly requestTimeout: number;
  readonly logger: Logger;
  /** Receives the promise of the watcher's cancellation, so `close()` can await it. */
  readonly track: (cleanup: Promise<unknown>) => void;
  /** Told when etcd3's watch stream disconnects and connects again. */
  readonly outage: OutageReport;
}

/**
 * One etcd watch of a service: reads every key under the prefix, emits the instances, then watches
 * the prefix from the next revision (so no change in between is missed) and emits the whole list
 * after every batch of changes. Errors if the read fails or etcd cancels the watch (e.g. its
 * revision was compacted); etcd3 itself resumes the watch after a dropped connection, which is
 * reported to `outage`. The etcd watcher is cancelled on unsubscribe.
 */
export function etcdServiceWatch(options: EtcdServiceWatchOptions): Observable<ServiceInstance[]> {
  const { client, prefix, name, requestTimeout, logger, track, outage } = options;
  return new Observable<ServiceInstance[]>((subscriber) => {
    const instances = new Map<string, ServiceInstance>();
    const apply = (key: string, value: string | undefined): void => {
      const instance = value === undefined ? undefined : decodeInstance(value);
      if (value !== undefined && instance === undefined) {
        logger.warn(
          { key: shownKey(key) },
          `Ignored etcd key "${shownKey(key)}": its value is not a service instance in Kratos' JSON`,
        );
      }
      if (instance && instance.name === name) instances.set(key, instance);
      else instances.delete(key);
    };
    let watcher: Watcher | undefined;
    let closed = false;
    client
      .getAll()
      .prefix(prefix)
      .options({ deadline: new Date(Date.now() + requestTimeout) })
      .exec()
      .then(
        (response) => {
          if (closed) return;
          for (const kv of response.kvs) apply(kv.key.toString(), kv.value.toString());
          subscriber.next([...instances.values()]);
          // Unsubscribed by that very list (firstValueFrom, take(1)): a watcher now would never be cancelled.
          if (closed) return;
          const next = (BigInt(response.header.revision) + 1n).toString();
          watcher = client.watch().prefix(prefix).startRevision(next).watcher();
          watcher.on('data', (changes: IWatchResponse) => {
            if (changes.events.length === 0) return;
            for (const event of changes.events) {
              apply(event.kv.key.toString(), event.type === 'Put' ? event.kv.value.toString() : undefined);
            }
            subscriber.next([...instances.values()]);
          });
          watcher.on('disconnected', (error: unknown) => {
            // etcd3 still reports on a watcher being cancelled: the outage is no longer ours to tell.
            if (closed) return;
            outage.down(error);
            logger.debug(
              { service: shownKey(name), err: error },
              `The etcd watch of "${shownKey(prefix)}" disconnected (${describeError(error)}); etcd3 resumes it`,
            );
          });
          watcher.on('connected', () => {
            if (!closed) outage.up();
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
