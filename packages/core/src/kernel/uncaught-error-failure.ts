import type { UncaughtError } from '../contracts/uncaught-error-source.js';
import { listErrors } from '../errors/collect-errors.js';
import { describeError } from '../errors/describe.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { KratosError } from '../errors/kratos-error.js';

/** How an uncaught error is named in logs and messages. */
export function uncaughtKind(uncaught: UncaughtError): string {
  return uncaught.origin === 'unhandledRejection' ? 'an unhandled rejection' : 'an uncaught exception';
}

/**
 * What `run()` rejects with when an uncaught error stopped the app: `KRATOS_UNCAUGHT_ERROR` with the
 * error as `cause`, and in `errors` whatever else failed (the stop it caused included).
 */
export function uncaughtErrorFailure(uncaught: UncaughtError, others: readonly KratosError[]): KratosError {
  const also =
    others.length === 0
      ? ''
      : `\nThe lifecycle also failed in ${others.length} place${others.length === 1 ? '' : 's'}:\n${listErrors(others)}`;
  return new KratosError(
    KratosErrorCode.UncaughtError,
    `The application was stopped by ${uncaughtKind(uncaught)}: ${describeError(uncaught.error)}. It was stopped gracefully and the process exit code set to 1. Handle the error where it is thrown or rejected: error.cause holds it, with its stack.${also}`,
    { cause: uncaught.error, errors: others },
  );
}
