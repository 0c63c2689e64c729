/**
 * Where `callGuarded` reports how the call ended. Each method gets back the `context` given to
 * `callGuarded`, so that a caller on a hot path (one call per request) passes one outcome object
 * made once, and a call that returns no thenable allocates nothing.
 */
export interface GuardedCallOutcome<C> {
  /**
   * The call threw, the thenable it returned rejected, or reading or calling that thenable's `then`
   * threw: `error` is what was thrown, whatever it is (`Object.create(null)`, `undefined` …; describe
   * it with `describeError`). Must not throw: nothing is left to catch it.
   */
  failed(error: unknown, context: C): void;
  /** The call returned something that is not a thenable (an Observable, `undefined` …), synchronously. */
  returned?(result: unknown, context: C): void;
  /** The thenable the call returned fulfilled with `value`. */
  fulfilled?(value: unknown, context: C): void;
}

/**
 * Calls user code and turns each way it can end into exactly one outcome: a synchronous throw, a
 * rejected promise (any thenable) and a thenable whose `then` throws become `failed`, anything else
 * `returned` (at once) or `fulfilled` (when the thenable settles). `callGuarded` itself never throws
 * and never leaves a rejection unhandled, provided the outcome's methods do not throw.
 *
 * The one place that knows how user code can fail: the kernel's steps, the HTTP handler and
 * upgrade guards and the gRPC handler guard all call it.
 *
 * @example
 * callGuarded((req) => handler(req), req, {
 *   failed: (error, req) => logger.error({ err: error }, `handler failed: ${describeError(error)}`),
 * });
 */
export function callGuarded<C>(
  run: (context: C) => unknown,
  context: C,
  outcome: GuardedCallOutcome<C>,
): void {
  let result: unknown;
  try {
    result = run(context);
    // Inside the try: a `then` getter or method that throws is the call failing, not the guard.
    if (
      (typeof result === 'object' || typeof result === 'function') &&
      result !== null &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      (result as PromiseLike<unknown>).then(
        outcome.fulfilled === undefined ? undefined : (value) => outcome.fulfilled?.(value, context),
        (error: unknown) => outcome.failed(error, context),
      );
      return;
    }
  } catch (error) {
    outcome.failed(error, context);
    return;
  }
  outcome.returned?.(result, context);
}
