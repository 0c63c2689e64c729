// The public surface of @kratos-ts/core. Named exports only; types as `export type`. The helpers the
// kratos-ts packages share (describeError, invalidOptions, the option checks…) are in ./internal.ts.

export {
  APP_INFO,
  KRATOS_OPTIONS,
  KRATOS_SCHEDULER,
  LOGGER,
  PROCESS_EXIT,
  PROCESS_EXIT_CODE,
  REGISTRAR,
  SERVER,
  SIGNAL_SOURCE,
  UNCAUGHT_ERROR_SOURCE,
} from './tokens.js';

export type { AppInfo } from './contracts/app-info.js';
export type { HookContext, HookPhase, LifecycleHook } from './contracts/hook-context.js';
export { KRATOS_DEFAULTS, type KratosOptions } from './contracts/kratos-options.js';
export type { LifecycleEvent, StepEvent, StepStatus } from './contracts/lifecycle-event.js';
export type { LifecycleState } from './contracts/lifecycle-state.js';
export type { LogFn, Logger } from './contracts/logger.js';
export type { ServiceDiscovery, ServiceInstance, ServiceRegistrar } from './contracts/registry.js';
export type { SignalSource } from './contracts/signal-source.js';
export type { UncaughtError, UncaughtErrorSource } from './contracts/uncaught-error-source.js';
export type { KernelView, TransportServer } from './contracts/transport-server.js';
export type { ServerStopReport } from './contracts/server-stop-report.js';
export type { MetricsScrape, MetricsSource } from './contracts/metrics-source.js';

export { Server } from './decorators/server.js';
export { Registrar } from './decorators/registrar.js';
export {
  AfterStart,
  AfterStop,
  BeforeStart,
  BeforeStop,
  type HookDecorator,
  type HookOptions,
} from './decorators/hooks.js';
export type { Newable, RegistrarOptions, ServerOptions } from './decorators/decorated-classes.js';

export { KratosErrorCode } from './errors/error-codes.js';
export { KratosWarningCode } from './errors/warning-codes.js';
export { KratosError, isKratosError, type KratosErrorOptions } from './errors/kratos-error.js';
export { hasUserinfo, redact, REDACTED } from './errors/redact.js';

export { LifecycleKernel, type KernelDependencies } from './kernel/lifecycle-kernel.js';
export { processSignals } from './kernel/process-signals.js';
export { processUncaughtErrors } from './kernel/process-uncaught-errors.js';
// Public because KernelDependencies.app takes one (kratosModule passes the container's).
export { AppInfoHolder } from './kernel/app-info-holder.js';
export type { NamedHook, RegistrarEntry } from './kernel/named-step.js';
export type { ServerDeclaration } from './kernel/validate-setup.js';

export { createKratosModule, kratosModule, type KratosModuleConfig } from './module/kratos-module.js';
export { InMemoryRegistry } from './registry/in-memory-registry.js';
export { endpointHost, type NetworkInterfaces } from './endpoints/endpoint-host.js';
export { silentLogger } from './logging/silent-logger.js';
export { safeLogger } from './logging/safe-logger.js';
export {
  lifecycleTrace,
  type LifecycleTrace,
  type LifecycleTraceOptions,
  type TraceDocument,
  type TraceEvent,
  type TracedKernel,
} from './trace/lifecycle-trace.js';
