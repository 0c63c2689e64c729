/** Every code a `KratosError` of the core can carry. Stable: match on these, not on messages. */
export const KratosErrorCode = {
  /** Options, servers or registrars are invalid; `errors` lists every problem. */
  InvalidOptions: 'KRATOS_INVALID_OPTIONS',
  /** `run()` was called a second time on the same kernel. */
  AlreadyRun: 'KRATOS_ALREADY_RUN',
  /** A hook threw or rejected; `cause` holds what it threw. A beforeStart failure means nothing started. */
  HookFailed: 'KRATOS_HOOK_FAILED',
  /** A hook did not settle within `hookTimeout`, or ignored its aborted signal during a stop. */
  HookTimeout: 'KRATOS_HOOK_TIMEOUT',
  /**
   * A server's `start()` threw or rejected: the message names the server, `cause` holds its error
   * (a transport's own coded error such as `KRATOS_HTTP_ADDRESS_IN_USE`). Nothing was registered.
   */
  StartFailed: 'KRATOS_START_FAILED',
  /** A server's `start()` did not settle within its `startTimeout`; every started server was stopped. */
  StartTimeout: 'KRATOS_START_TIMEOUT',
  /** A start kept going for a whole grace period after its signal aborted. */
  StartAbandoned: 'KRATOS_START_ABANDONED',
  /** A server started but its `endpoint()` threw, rejected or returned something that is not a URL. */
  EndpointFailed: 'KRATOS_ENDPOINT_FAILED',
  /** A server's `endpoint()` did not settle within its `startTimeout`; every server was stopped. */
  EndpointTimeout: 'KRATOS_ENDPOINT_TIMEOUT',
  /** A registrar's `register()` threw or rejected; the instance was deregistered where it had registered. */
  RegisterFailed: 'KRATOS_REGISTER_FAILED',
  /** A registrar's `register()` did not settle within `registrarTimeout` (or ignored its aborted signal). */
  RegisterTimeout: 'KRATOS_REGISTER_TIMEOUT',
  /** A registrar's `deregister()` threw or rejected; the servers were stopped anyway. */
  DeregisterFailed: 'KRATOS_DEREGISTER_FAILED',
  /** A registrar's `deregister()` did not settle within `registrarTimeout`; the servers were stopped anyway. */
  DeregisterTimeout: 'KRATOS_DEREGISTER_TIMEOUT',
  /** A server's `stop()` threw or rejected before its `stopTimeout`; `cause` holds its error. */
  StopFailed: 'KRATOS_STOP_FAILED',
  /**
   * A server's `stop()` was still running at its `stopTimeout` and then rejected, or did not settle
   * within 1 s after its signal aborted (abandoned).
   */
  StopTimeout: 'KRATOS_STOP_TIMEOUT',
  /**
   * An uncaught exception or unhandled rejection stopped the app (`uncaughtErrors: 'stop'`): `cause`
   * holds it, `errors` whatever else failed during the stop.
   */
  UncaughtError: 'KRATOS_UNCAUGHT_ERROR',
  /**
   * The kernel itself failed in a phase: a bug of kratos-ts, or a part handed to the kernel that
   * threw where it may not (its scheduler, its `AppInfo` holder, its exit-code setter). `cause`
   * holds what was thrown; the rest of the lifecycle still ran.
   */
  KernelFailed: 'KRATOS_KERNEL_FAILED',
  /** Several steps failed; `errors` holds each one. */
  LifecycleFailed: 'KRATOS_LIFECYCLE_FAILED',
  /**
   * `@Server()`, `@Registrar()` or a hook decorator was called as a TC39 standard decorator: the
   * project compiles without `experimentalDecorators`. Thrown where the class is defined.
   */
  ExperimentalDecoratorsRequired: 'KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED',
  /**
   * A class the module runs (enlisted by its decorator, or listed in `createKratosModule`) cannot
   * be built by the container, usually because something its constructor injects is not bound;
   * `cause` holds inversify's error. Thrown by `container.load()` (a constructor inversify cannot
   * read, e.g. without decorator metadata) or by `container.get(LifecycleKernel)`.
   */
  UnresolvableClass: 'KRATOS_UNRESOLVABLE_CLASS',
} as const;

/** One of the values of `KratosErrorCode`. */
export type KratosErrorCode = (typeof KratosErrorCode)[keyof typeof KratosErrorCode];
