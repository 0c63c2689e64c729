import type { SignalSource } from '@kratos-ts/core';
import { Observable, type Subscriber } from 'rxjs';
import { CONNECT, realClock, type Clock } from './clock.js';

/**
 * A `SignalSource` a test drives: the kernel listens to it instead of the process, and `emit`
 * delivers a signal as the OS would. Connected to a virtual kernel, it writes `signals on
 * SIGTERM,SIGINT` and `signals off` to the timeline.
 */
export interface FakeSignals extends SignalSource {
  /**
   * Delivers `signal` to every subscriber listening to it. Returns `false` when none is (a real
   * process would have died of it, or ignored it): check the app's `signals` option.
   */
  emit(signal: NodeJS.Signals): boolean;
  /** The signals listened to now (the union over subscribers), or `undefined` when none listens. */
  readonly listening: readonly NodeJS.Signals[] | undefined;
}

interface Listener {
  readonly signals: readonly NodeJS.Signals[];
  readonly subscriber: Subscriber<NodeJS.Signals>;
}

/**
 * A fresh `FakeSignals`. `startTestApp` and `virtualKernel` bind one instead of the process's
 * signals; make one yourself for a `LifecycleKernel` you build by hand.
 *
 * @example
 * const signals = fakeSignals();
 * const kernel = new LifecycleKernel({ options: { name: 'svc' }, signalSource: signals });
 * const run = kernel.run();
 * signals.emit('SIGTERM'); // the kernel stops as on a real SIGTERM
 * await run;
 */
export function fakeSignals(): FakeSignals {
  const listeners = new Set<Listener>();
  let clock: Clock = realClock;
  const source = (signals: readonly NodeJS.Signals[]): Observable<NodeJS.Signals> =>
    new Observable<NodeJS.Signals>((subscriber) => {
      const listener: Listener = { signals: [...signals], subscriber };
      listeners.add(listener);
      clock.record(`signals on ${signals.join(',')}`);
      return () => {
        listeners.delete(listener);
        clock.record('signals off');
      };
    });
  const emit = (signal: NodeJS.Signals): boolean => {
    let delivered = false;
    for (const listener of [...listeners]) {
      if (!listener.signals.includes(signal)) continue;
      delivered = true;
      listener.subscriber.next(signal);
    }
    return delivered;
  };
  return Object.defineProperties(source, {
    emit: { value: emit, enumerable: true },
    listening: {
      enumerable: true,
      get: (): readonly NodeJS.Signals[] | undefined =>
        listeners.size === 0 ? undefined : [...new Set([...listeners].flatMap((l) => l.signals))],
    },
    [CONNECT]: { value: (connected: Clock): void => void (clock = connected) },
  }) as FakeSignals;
}
