import { KratosErrorCode } from './error-codes.js';
import { KratosError, isKratosError } from './kratos-error.js';

/** The errors as numbered lines, `  1. KRATOS_…: message`, for a message that lists them. */
export function listErrors(errors: readonly KratosError[]): string {
  return errors
    .map((error, i) => `  ${i + 1}. ${isKratosError(error) ? error.code : 'Error'}: ${error.message}`)
    .join('\n');
}

/**
 * The one error `run()` rejects with: the error itself when there is one, else a
 * `KRATOS_LIFECYCLE_FAILED` that lists and carries every one of them.
 */
export function collectErrors(errors: readonly KratosError[]): KratosError {
  if (errors.length === 1 && errors[0]) return errors[0];
  return new KratosError(
    KratosErrorCode.LifecycleFailed,
    `The application lifecycle failed in ${errors.length} places:\n${listErrors(errors)}`,
    { errors },
  );
}
