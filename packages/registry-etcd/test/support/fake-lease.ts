import { Observable, of, type Observable as ObservableType } from 'rxjs';
import type { KeptLease } from '../../src/kept-lease.js';

/** A `KeptLease` whose loss is `lost$`, recording revocations and releases. */
export class FakeLease implements KeptLease {
  revoked = 0;
  released = 0;
  constructor(
    readonly id: string,
    readonly lost$: ObservableType<unknown> = new Observable<unknown>(),
    private readonly revokeResult: () => Promise<void> = () => Promise.resolve(),
  ) {}

  revoke(): Promise<void> {
    this.revoked += 1;
    return this.revokeResult();
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
