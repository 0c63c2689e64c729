// @kratos-ts/core/internal: the helpers the kratos-ts packages share with each other. Not part of the
// API (left out of the API reference, no semver promise): an application imports `@kratos-ts/core`.

export { ABANDON_GRACE_MS } from './contracts/kratos-options.js';
export { describeError, describeValue, hasMethods } from './errors/describe.js';
export { callGuarded, type GuardedCallOutcome } from './errors/call-guarded.js';
export { invalidOptions } from './errors/invalid-options.js';
export { tlsMaterialProblem, type TlsMaterialProblem } from './errors/tls-material-problem.js';
export { hostPort } from './endpoints/host-port.js';
export {
  checkAbortSignal,
  checkBoolean,
  checkDuration,
  checkEnum,
  checkInteger,
  checkKnownKeys,
  checkLogger,
  checkMethods,
  checkOptionsObject,
  checkScheduler,
  didYouMean,
  LOGGER_METHODS,
  type DurationRule,
  type IntegerRule,
  type MethodsRule,
  type OptionHint,
} from './options/index.js';
export { KRATOS_INSTRUMENTATION_VERSION } from './telemetry/instrumentation-scope.js';
export { kratosTracer } from './telemetry/kratos-tracer.js';
export { lazyInstruments, type LazyInstruments } from './telemetry/lazy-instruments.js';
export { producerSpan, type ProducerSpan } from './telemetry/producer-span.js';
export { tracingActive } from './telemetry/tracing-active.js';
