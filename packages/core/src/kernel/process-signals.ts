import { Observable } from 'rxjs';
import type { SignalSource } from '../contracts/signal-source.js';

/**
 * The default `SignalSource`: `process.on` for each signal on subscribe, `process.off` on
 * unsubscribe, so the kernel leaves no listener behind.
 */
export const processSignals: SignalSource = (signals) =>
  new Observable<NodeJS.Signals>((subscriber) => {
    const listeners = signals.map((signal) => {
      const listener = (): void => subscriber.next(signal);
      process.on(signal, listener);
      return [signal, listener] as const;
    });
    return () => {
      for (const [signal, listener] of listeners) process.off(signal, listener);
    };
  });
