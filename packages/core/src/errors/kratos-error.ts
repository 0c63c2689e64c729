/** What a `KratosError` may carry besides its code and message. */
export interface KratosErrorOptions {
  /** The one underlying error (the original, never an "aborted" error that stands for it). */
  readonly cause?: unknown;
  /** Several underlying errors, like `AggregateError#errors`. */
  readonly errors?: readonly unknown[];
}

/**
 * The one error class of kratos-ts. `code` is stable and starts with `KRATOS_`; the message names
 * the server, hook or registrar at fault and says how to fix it.
 */
export class KratosError extends Error {
  /** Always `'KratosError'`, which `isKratosError` also recognises across copies of the package. */
  override readonly name = 'KratosError';
  /** The stable code, such as `KRATOS_START_FAILED`: match on it, not on the message. */
  readonly code: string;
  /** Every underlying error when several steps failed (`KRATOS_LIFECYCLE_FAILED`…); else empty. */
  readonly errors: readonly unknown[];

  /**
   * @param code - The stable code, `KRATOS_` and the package's own part.
   * @param message - What went wrong, naming the part at fault and how to fix it.
   * @param options - The underlying `cause` and/or `errors`.
   */
  constructor(code: string, message: string, options: KratosErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.errors = Object.freeze([...(options.errors ?? [])]);
  }
}

/** `true` when `error` is a `KratosError`, from this copy of the package or another. */
export function isKratosError(error: unknown): error is KratosError {
  return (
    error instanceof KratosError ||
    (error instanceof Error &&
      error.name === 'KratosError' &&
      typeof (error as { code?: unknown }).code === 'string')
  );
}
