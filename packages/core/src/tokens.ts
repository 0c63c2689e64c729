// Service identifiers of the core. Namespaced global symbols, so two copies of the package agree.

/** Options of the application (`KratosOptions`). When bound, they override the module's options. */
export const KRATOS_OPTIONS: unique symbol = Symbol.for('@kratos-ts/core/KRATOS_OPTIONS');
/** The running application's `AppInfo`; inject it into request handlers. */
export const APP_INFO: unique symbol = Symbol.for('@kratos-ts/core/APP_INFO');
/** Multi-binding of `TransportServer`s that are not decorated with `@Server()` (library servers). */
export const SERVER: unique symbol = Symbol.for('@kratos-ts/core/SERVER');
/** Multi-binding of `ServiceRegistrar`s the instance registers with once every server serves. */
export const REGISTRAR: unique symbol = Symbol.for('@kratos-ts/core/REGISTRAR');
/** A pino-compatible `Logger`. Defaults to a pino logger named after the app. */
export const LOGGER: unique symbol = Symbol.for('@kratos-ts/core/LOGGER');
/** The RxJS `SchedulerLike` every timeout of the kernel runs on. Defaults to `asyncScheduler`. */
export const KRATOS_SCHEDULER: unique symbol = Symbol.for('@kratos-ts/core/KRATOS_SCHEDULER');
/** The `SignalSource` the kernel hears OS signals from. Defaults to `processSignals`. */
export const SIGNAL_SOURCE: unique symbol = Symbol.for('@kratos-ts/core/SIGNAL_SOURCE');
/**
 * `(code) => void` the kernel calls to end the process at once: on a second signal, or a second uncaught
 * error, while stopping. Defaults to `process.exit`.
 */
export const PROCESS_EXIT: unique symbol = Symbol.for('@kratos-ts/core/PROCESS_EXIT');
/**
 * The `UncaughtErrorSource` the kernel hears uncaught exceptions and unhandled rejections from while
 * `run()` is active (unless `uncaughtErrors: 'ignore'`). Defaults to `processUncaughtErrors`.
 */
export const UNCAUGHT_ERROR_SOURCE: unique symbol = Symbol.for('@kratos-ts/core/UNCAUGHT_ERROR_SOURCE');
/**
 * `(code) => void` the kernel calls to set the code the process will exit with, without ending it
 * (after an uncaught error stopped the app). Defaults to setting `process.exitCode`.
 */
export const PROCESS_EXIT_CODE: unique symbol = Symbol.for('@kratos-ts/core/PROCESS_EXIT_CODE');
