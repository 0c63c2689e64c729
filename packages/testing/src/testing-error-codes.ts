/**
 * Every code a `KratosError` of `@kratos-ts/testing` can carry. Stable: match on these, not on
 * messages.
 */
export const TestingErrorCode = {
  /** `startTestApp` was given a container without a `LifecycleKernel`: load `kratosModule` first. */
  NoKernel: 'KRATOS_TESTING_NO_KERNEL',
  /**
   * The kernel was resolved from the container before `override` or `startTestApp` changed it, so
   * the doubles cannot reach everything. The message says what to reorder.
   */
  TooLate: 'KRATOS_TESTING_TOO_LATE',
  /** A started app advertises an endpoint that is not on a loopback address; it was stopped. */
  NotLoopback: 'KRATOS_TESTING_NOT_LOOPBACK',
  /** A started app advertises a port the OS cannot have chosen (`port: 0`); it was stopped. */
  FixedPort: 'KRATOS_TESTING_FIXED_PORT',
  /** The start ended without an error but without reaching `running` (it was stopped meanwhile). */
  NotRunning: 'KRATOS_TESTING_NOT_RUNNING',
  /** `TestApp.endpoint(scheme)` found no endpoint with that scheme. */
  NoEndpoint: 'KRATOS_TESTING_NO_ENDPOINT',
  /** Test apps were still running when their test file ended; they were stopped. */
  NotStopped: 'KRATOS_TESTING_NOT_STOPPED',
  /**
   * `startTestApp` was called where the forgotten-`stop()` check could not install itself (no global
   * `afterEach`: vitest without `globals: true`, mocha, node:test) and nobody called
   * `installLeakChecks`. The message shows the setup file that installs it.
   */
  LeakCheckMissing: 'KRATOS_TESTING_LEAK_CHECK_MISSING',
  /** A virtual kernel waits and nothing more is scheduled in virtual time: it would wait forever. */
  Stalled: 'KRATOS_TESTING_STALLED',
} as const;

/** One of the `TestingErrorCode` values. */
export type TestingErrorCode = (typeof TestingErrorCode)[keyof typeof TestingErrorCode];
