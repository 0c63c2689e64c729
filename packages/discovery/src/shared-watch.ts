import { safeLogger } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import type { Logger, ServiceDiscovery, ServiceInstance } from '@kratos-ts/core';
import { defer, type SchedulerLike, type Subscription } from 'rxjs';

/** How long a failed (or completed) watch waits before watching again. */
export const REWATCH_DELAY_MS = 1_000;

/** One user of a shared watch: a node set. */
export interface WatchUser {
  /** Receives the latest list at once when there is one, then every list. */
  readonly onList: (instances: readonly ServiceInstance[]) => void;
  /** Where the watch's failures are reported (once per distinct logger, not once per user). */
  readonly logger: Logger;
  /** Runs the re-watch delay when this user is the one that started the watch. */
  readonly scheduler: SchedulerLike;
}

/** What `joinWatch` gives back: leaving is the only thing a user can do. */
export interface WatchMembership {
  /** Stops receiving lists; the last user to leave ends the watch. Idempotent. */
  leave(): void;
}

// Weak on the discovery so a discarded registry takes its watches with it; the inner map only holds
// names with at least one user, since the last user to leave deletes its entry.
const watches = new WeakMap<ServiceDiscovery, Map<string, SharedWatch>>();

/**
 * Joins the one watch of `name` on `discovery`, starting it for the first user. Every node set of
 * the same discovery object and service name shares it, so N clients of one service cost the
 * registry one watch, and a late joiner gets the latest list at once instead of waiting for a
 * change. The watch's scheduler is its first user's, for as long as the watch lives.
 */
export function joinWatch(discovery: ServiceDiscovery, name: string, user: WatchUser): WatchMembership {
  let byName = watches.get(discovery);
  if (!byName) {
    byName = new Map();
    watches.set(discovery, byName);
  }
  let watch = byName.get(name);
  if (!watch) {
    const owner = byName;
    watch = new SharedWatch(discovery, name, user.scheduler, () => {
      owner.delete(name);
      if (owner.size === 0) watches.delete(discovery);
    });
    byName.set(name, watch);
  }
  return watch.join(user);
}

class SharedWatch {
  readonly #discovery: ServiceDiscovery;
  readonly #name: string;
  readonly #scheduler: SchedulerLike;
  readonly #onEnd: () => void;
  readonly #users = new Set<WatchUser>();
  #latest: readonly ServiceInstance[] | undefined;
  #subscription: Subscription | undefined;
  #rewatch: Subscription | undefined;
  // Bumped whenever the current subscription is abandoned, so late callbacks of an old one are ignored.
  #generation = 0;
  #started = false;
  #ended = false;

  constructor(discovery: ServiceDiscovery, name: string, scheduler: SchedulerLike, onEnd: () => void) {
    this.#discovery = discovery;
    this.#name = name;
    this.#scheduler = scheduler;
    this.#onEnd = onEnd;
  }

  join(user: WatchUser): WatchMembership {
    this.#users.add(user);
    if (!this.#started) {
      this.#started = true;
      this.#subscribe();
    } else if (this.#latest) user.onList(this.#latest);
    let left = false;
    return {
      leave: () => {
        if (left) return;
        left = true;
        this.#leave(user);
      },
    };
  }

  #leave(user: WatchUser): void {
    this.#users.delete(user);
    if (this.#users.size > 0 || this.#ended) return;
    this.#ended = true;
    this.#generation++;
    this.#subscription?.unsubscribe();
    this.#rewatch?.unsubscribe();
    this.#subscription = this.#rewatch = undefined;
    this.#onEnd();
  }

  #subscribe(): void {
    this.#rewatch = undefined;
    const generation = ++this.#generation;
    const current = (): boolean => generation === this.#generation && !this.#ended;
    // defer: a watch() that throws is a failed watch like any other, retried the same way.
    const subscription = defer(() => this.#discovery.watch(this.#name)).subscribe({
      next: (instances) => {
        if (!current()) return;
        this.#latest = instances;
        for (const user of [...this.#users]) if (this.#users.has(user)) user.onList(instances);
      },
      error: (error: unknown) => current() && this.#failed(error),
      complete: () => current() && this.#failed(undefined),
    });
    // A synchronous emission may have made a user leave (the last one) or the watch fail during
    // subscribe(); only keep the subscription when it is still the live one.
    if (current()) this.#subscription = subscription;
    else subscription.unsubscribe();
  }

  #failed(error: unknown): void {
    this.#generation++;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    const what = error === undefined ? 'the watch completed' : `the watch failed: ${describeError(error)}`;
    const message = `discovery "${this.#name}": ${what}; watching again in ${REWATCH_DELAY_MS} ms (the nodes known so far stay in use)`;
    // The message says the cause once. A registry's error already names its own cause, so carrying
    // it as `err` too would say it twice more (its message, its cause, their stacks): only its code.
    const code = codeOf(error);
    const fields = { service: this.#name, ...(code === undefined ? {} : { code }) };
    for (const logger of new Set([...this.#users].map((user) => user.logger))) {
      // A logger that throws must not stop the re-watch below.
      safeLogger(logger).warn(fields, message);
    }
    this.#rewatch = this.#scheduler.schedule(() => {
      if (!this.#ended) this.#subscribe();
    }, REWATCH_DELAY_MS);
  }
}

function codeOf(error: unknown): string | undefined {
  const code: unknown =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
