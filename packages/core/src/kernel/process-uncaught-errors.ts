import { Observable } from 'rxjs';
import type { UncaughtError, UncaughtErrorSource } from '../contracts/uncaught-error-source.js';

/**
 * The default `UncaughtErrorSource`: `process.on('uncaughtException')` and
 * `process.on('unhandledRejection')` on subscribe, `process.off` on unsubscribe, so the kernel
 * leaves no listener behind.
 */
export const processUncaughtErrors: UncaughtErrorSource = () =>
  new Observable<UncaughtError>((subscriber) => {
    const onException = (error: Error, origin: NodeJS.UncaughtExceptionOrigin): void =>
      subscriber.next({ origin, error });
    const onRejection = (reason: unknown): void =>
      subscriber.next({ origin: 'unhandledRejection', error: reason });
    process.on('uncaughtException', onException);
    process.on('unhandledRejection', onRejection);
    return () => {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    };
  });
