import type { Subscription } from 'rxjs';
import { abortable } from '../abortable.js';
import { keepRegistered, type KeepRegisteredOptions } from './keep-registered.js';
import type { KeptLease, LeaseGrantor } from './kept-lease.js';

/** What a `LeaseKeeper` takes besides its grantor. */
export interface LeaseKeeperOptions extends KeepRegisteredOptions {
  /** The error `start` rejects with when the first registration fails. */
  readonly startFailure: (error: unknown) => Error;
  /**
   * The error `start`/`stop` reject with when their signal aborts first; `lastFailure` is the
   * last failed attempt of a start that was retrying until then.
   */
  readonly abortFailure: (action: string, reason: unknown, lastFailure?: FailedAttempt) => Error;
  /** The error `stop` rejects with when the lease cannot be revoked. */
  readonly stopFailure: (error: unknown) => Error;
}

/** The last failed attempt of a registration still retrying. */
export interface FailedAttempt {
  readonly error: unknown;
  /** How many attempts failed so far. */
  readonly attempts: number;
}

/**
 * Keeps one instance registered: its own lease, that lease's keepalive, and re-registration after
 * any loss, forever, until `stop`. One keeper per registered instance.
 */
export class LeaseKeeper {
  readonly key: string;
  readonly #grant: LeaseGrantor;
  readonly #options: LeaseKeeperOptions;
  #subscription: Subscription | undefined;
  #current: KeptLease | undefined;

  constructor(grant: LeaseGrantor, options: LeaseKeeperOptions) {
    this.key = options.key;
    this.#grant = grant;
    this.#options = options;
  }

  /** The lease holding the key now; `undefined` while (re-)registering. */
  get lease(): KeptLease | undefined {
    return this.#current;
  }

  /**
   * Registers the key and keeps it registered. Resolves once the key is stored. With a `signal`,
   * failed attempts that `retryFirst` accepts are retried with backoff until it aborts, then it
   * rejects with `abortFailure` naming the last failure (and whatever was granted is revoked);
   * any other failure, or any failure without a signal, rejects at once with `startFailure`.
   * Callable once.
   */
  start(signal?: AbortSignal): Promise<void> {
    const { startFailure, abortFailure } = this.#options;
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortFailure('Registering', signal.reason));
        return;
      }
      let settled = false;
      let lastFailure: FailedAttempt | undefined;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => {
        if (settled) return;
        this.#subscription?.unsubscribe();
        settle(abortFailure('Registering', signal?.reason, lastFailure));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const { retryFirst } = this.#options;
      this.#subscription = keepRegistered(this.#grant, {
        ...this.#options,
        // Only a signal bounds the wait: without one, an unreachable etcd fails the call at once.
        retryFirst: signal && retryFirst ? retryFirst : () => false,
        onFailedAttempt: (error, attempt) => {
          if (!settled) lastFailure = { error, attempts: attempt };
          this.#options.onFailedAttempt?.(error, attempt);
        },
      }).subscribe({
        next: (lease) => {
          this.#current = lease;
          settle();
        },
        error: (error: unknown) => {
          this.#current = undefined;
          settle(startFailure(error));
        },
      });
    });
  }

  /**
   * Stops re-registering and the keepalive, then revokes the lease so the key disappears at once.
   * Rejects with `stopFailure` if etcd does not revoke it (the key then expires after its TTL), or
   * `abortFailure` if `signal` aborts first.
   */
  async stop(signal?: AbortSignal): Promise<void> {
    const lease = this.#current;
    this.#current = undefined;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    if (!lease) return;
    const { abortFailure, stopFailure } = this.#options;
    const revoked = lease.revoke(signal ?? new AbortController().signal).catch((error: unknown) => {
      throw stopFailure(error);
    });
    await abortable(revoked, signal, (reason) => abortFailure('Deregistering', reason));
  }
}
