import type { Observable } from 'rxjs';

/** A lease that holds an instance's key and is being kept alive. */
export interface KeptLease {
  /** etcd's lease id, for logs. */
  readonly id: string;
  /** Emits once if the lease is lost: etcd revoked or expired it, or it could not be kept alive. */
  readonly lost$: Observable<unknown>;
  /**
   * Whether the key is in etcd now: emits on subscribe, then after every put (`true`) or delete
   * (`false`) of it, by anyone. Errors when the watch behind it breaks. Unsubscribing ends the watch.
   */
  readonly present$: Observable<boolean>;
  /**
   * Puts the key again, with its value, on this lease: completes once etcd stored it. Errors with
   * `LeaseGone` when etcd no longer knows the lease.
   */
  putAgain(): Observable<void>;
  /** Stops the keepalive and revokes the lease, which deletes its key at once. */
  revoke(signal: AbortSignal): Promise<void>;
  /** Stops the keepalive only; the lease expires by itself after its TTL. Idempotent. */
  release(): void;
}

/**
 * Grants a lease, puts the key on it and starts its keepalive. The Observable emits the lease once
 * the key is stored, then stays open; it errors if granting or putting fails. Unsubscribing before
 * it emitted revokes whatever was granted; after, it releases the lease.
 */
export type LeaseGrantor = () => Observable<KeptLease>;
