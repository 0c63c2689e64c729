import type { UncaughtError, UncaughtErrorSource } from '@kratos-ts/core';
import { Observable, type Subscriber } from 'rxjs';

/**
 * An `UncaughtErrorSource` a test drives: the kernel listens to it instead of the process's
 * `uncaughtException`/`unhandledRejection` events, so an error in a test reaches the test runner
 * as usual, and `emit` plays an uncaught error to the app.
 */
export interface FakeUncaughtErrors extends UncaughtErrorSource {
  /** Delivers an uncaught error to every subscriber. Returns `false` when none listens (`uncaughtErrors: 'ignore'`, or not running). */
  emit(error: unknown, origin?: UncaughtError['origin']): boolean;
  /** Whether anyone listens now. */
  readonly listening: boolean;
  /** How many times it was subscribed to. */
  readonly subscriptions: number;
}

/**
 * A fresh `FakeUncaughtErrors`. `startTestApp` and `virtualKernel` bind one to
 * `UNCAUGHT_ERROR_SOURCE`; make one yourself for a `LifecycleKernel` you build by hand.
 *
 * @example
 * app.uncaughtErrors.emit(new Error('boom in a timer'));
 * await expect(app.run).rejects.toMatchObject({ code: KratosErrorCode.UncaughtError });
 * expect(app.exitCodes).toEqual([1]);
 */
export function fakeUncaughtErrors(): FakeUncaughtErrors {
  const subscribers = new Set<Subscriber<UncaughtError>>();
  let subscriptions = 0;
  const source = (): Observable<UncaughtError> =>
    new Observable<UncaughtError>((subscriber) => {
      subscriptions += 1;
      subscribers.add(subscriber);
      return () => void subscribers.delete(subscriber);
    });
  const emit = (error: unknown, origin: UncaughtError['origin'] = 'uncaughtException'): boolean => {
    for (const subscriber of [...subscribers]) subscriber.next({ origin, error });
    return subscribers.size > 0;
  };
  return Object.defineProperties(source, {
    emit: { value: emit, enumerable: true },
    listening: { enumerable: true, get: (): boolean => subscribers.size > 0 },
    subscriptions: { enumerable: true, get: (): number => subscriptions },
  }) as FakeUncaughtErrors;
}
