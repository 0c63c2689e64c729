/** Every code a `KratosError` of the core can carry. Stable: match on these, not on messages. */
export const KratosErrorCode = {
  /** Options, servers or registrars are invalid; `errors` lists every problem. */
  InvalidOptions: 'KRATOS_INVALID_OPTIONS',
  /** `run()` was called a second time on the same kernel. */
  AlreadyRun: 'KRATOS_ALREADY_RUN',
  HookFailed: 'KRATOS_HOOK_FAILED',
  HookTimeout: 'KRATOS_HOOK_TIMEOUT',
  StartFailed: 'KRATOS_START_FAILED',
  StartTimeout: 'KRATOS_START_TIMEOUT',
  /** A start kept going for a whole grace period after its signal aborted. */
  StartAbandoned: 'KRATOS_START_ABANDONED',
  EndpointFailed: 'KRATOS_ENDPOINT_FAILED',
  RegisterFailed: 'KRATOS_REGISTER_FAILED',
  RegisterTimeout: 'KRATOS_REGISTER_TIMEOUT',
  DeregisterFailed: 'KRATOS_DEREGISTER_FAILED',
  DeregisterTimeout: 'KRATOS_DEREGISTER_TIMEOUT',
  StopFailed: 'KRATOS_STOP_FAILED',
  StopTimeout: 'KRATOS_STOP_TIMEOUT',
  /**
   * An uncaught exception or unhandled rejection stopped the app (`uncaughtErrors: 'stop'`): `cause`
   * holds it, `errors` whatever else failed during the stop.
   */
  UncaughtError: 'KRATOS_UNCAUGHT_ERROR',
  /** Several steps failed; `errors` holds each one. */
  LifecycleFailed: 'KRATOS_LIFECYCLE_FAILED',
} as const;

export type KratosErrorCode = (typeof KratosErrorCode)[keyof typeof KratosErrorCode];
