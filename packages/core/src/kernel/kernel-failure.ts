import { describeError } from '../errors/describe.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { KratosError } from '../errors/kratos-error.js';

/**
 * The error recorded when the kernel's own code threw in a phase (`during` names it: "the
 * deregistration", "the start" …): `KRATOS_KERNEL_FAILED`, what was thrown in `cause`.
 */
export function kernelFailure(during: string, error: unknown): KratosError {
  return new KratosError(
    KratosErrorCode.KernelFailed,
    `The lifecycle kernel failed during ${during}: ${describeError(error)}. The rest of the lifecycle still ran, and every server that started was stopped. This is a bug of kratos-ts, or of a part given to the kernel (its scheduler, its AppInfo holder, its exit-code setter): error.cause holds what was thrown, with its stack; please report it.`,
    { cause: error },
  );
}
