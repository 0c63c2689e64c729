import type { Logger } from '@kratos-ts/core';
import type { SchedulerLike } from 'rxjs';
import { outageReport } from '../outage-report.js';

/** The events of an etcd3 `Lease` that `reportKeepaliveStall` listens to. */
export interface KeepaliveEvents {
  on(event: 'keepaliveSucceeded', listener: () => void): unknown;
  off(event: 'keepaliveSucceeded', listener: () => void): unknown;
}

/** What `reportKeepaliveStall` takes. */
export interface KeepaliveStallOptions {
  /** The key the lease holds, as shown in logs. */
  readonly key: string;
  /** etcd's lease id. */
  readonly leaseId: string;
  /** The etcd endpoints, named in the warning. */
  readonly hosts: string;
  /** The lease TTL, in seconds. */
  readonly ttl: number;
  /** `EtcdRegistryOptions.outageWarnAfter`, in ms: how late a keepalive answer may be. */
  readonly warnAfter: number;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
}

/**
 * Warns once when a lease's keepalive goes unanswered. etcd3 sends one every `ttl / 3` and etcd
 * expires the lease `ttl` after the last answer, so the warning comes when an answer is
 * `warnAfter` late, but at the latest `2 × ttl / 3` after the last answer: before the key can
 * disappear. One info line follows when etcd answers again. Returns the function that stops
 * listening.
 */
export function reportKeepaliveStall(lease: KeepaliveEvents, options: KeepaliveStallOptions): () => void {
  const { key, leaseId, hosts, ttl, scheduler, logger } = options;
  const interval = (ttl * 1_000) / 3;
  const warnAfter = Math.round(Math.min(interval + options.warnAfter, 2 * interval));
  const unanswered = outageReport({
    warnAfter,
    scheduler,
    logger,
    warning: (lastedMs) => ({
      fields: { key, leaseId, hosts, ttl, unansweredMs: lastedMs },
      message: `etcd (${hosts}) has not answered the keepalive of the lease of "${key}" (lease ${leaseId}) for ${lastedMs} ms: etcd expires the lease, and deletes the key, ${ttl} s after its last answer; it is re-registered once etcd answers. Check that etcd is up and reachable from this process.`,
    }),
    recovery: (lastedMs) => ({
      fields: { key, leaseId, hosts, unansweredMs: lastedMs },
      message: `etcd (${hosts}) answers the keepalive of the lease of "${key}" again, after ${lastedMs} ms`,
    }),
  });
  const answered = (): void => {
    unanswered.up();
    // Until the next answer, the lease is waiting for one.
    unanswered.down();
  };
  // The grant was the lease's first answer.
  unanswered.down();
  lease.on('keepaliveSucceeded', answered);
  return () => {
    lease.off('keepaliveSucceeded', answered);
    unanswered.dispose();
  };
}
