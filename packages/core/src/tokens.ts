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
/** `(code) => void` the kernel calls to end the process on a second signal. Defaults to `process.exit`. */
export const PROCESS_EXIT: unique symbol = Symbol.for('@kratos-ts/core/PROCESS_EXIT');
