import { NEVER, Observable, of, type Observable as ObservableType } from 'rxjs';
import type { KeptLease } from '../../src/registration/kept-lease.js';

/** What a `FakeLease` does besides losing itself through `lost$`. */
export interface FakeLeaseBehaviour {
  /** What `revoke()` returns. Default: resolves. */
  readonly revoke?: () => Promise<void>;
  /** The key's presence as the lease sees it. Default: `NEVER` (no watch events). */
  readonly present$?: ObservableType<boolean>;
  /** What each `putAgain()` returns, one per call (the last one again once they run out). Default: completes. */
  readonly putAgain?: readonly (() => ObservableType<void>)[];
}

/** A `KeptLease` whose loss is `lost$`, recording revocations, releases and puts. */
export class FakeLease implements KeptLease {
  revoked = 0;
  released = 0;
  putsAgain = 0;
  readonly present$: ObservableType<boolean>;
  readonly #behaviour: FakeLeaseBehaviour;

  constructor(
    readonly id: string,
    readonly lost$: ObservableType<unknown> = new Observable<unknown>(),
    behaviour: FakeLeaseBehaviour | (() => Promise<void>) = {},
  ) {
    this.#behaviour = typeof behaviour === 'function' ? { revoke: behaviour } : behaviour;
    this.present$ = this.#behaviour.present$ ?? NEVER;
  }

  putAgain(): ObservableType<void> {
    const script = this.#behaviour.putAgain ?? [];
    const attempt = script[Math.min(this.putsAgain, script.length - 1)];
    this.putsAgain += 1;
    return attempt ? attempt() : of(undefined);
  }

  revoke(): Promise<void> {
    this.revoked += 1;
    return this.#behaviour.revoke ? this.#behaviour.revoke() : Promise.resolve();
  }

  release(): void {
    this.released += 1;
  }
}

/**
 * A grantor that plays `attempts` in order, one per subscription (the last one again once they run
 * out), and records how many subscriptions were torn down.
 */
export function scriptedGrantor(attempts: readonly (() => ObservableType<KeptLease>)[]): {
  grant: () => ObservableType<KeptLease>;
  readonly subscriptions: () => number;
  readonly teardowns: () => number;
} {
  let subscriptions = 0;
  let teardowns = 0;
  const grant = (): ObservableType<KeptLease> =>
    new Observable<KeptLease>((subscriber) => {
      const attempt = attempts[Math.min(subscriptions, attempts.length - 1)] ?? (() => of<KeptLease>());
      subscriptions += 1;
      const inner = attempt().subscribe(subscriber);
      return () => {
        teardowns += 1;
        inner.unsubscribe();
      };
    });
  return { grant, subscriptions: () => subscriptions, teardowns: () => teardowns };
}
