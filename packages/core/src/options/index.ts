// The option-validation kit: one check per kind of option, each pushing one message of one shape
// (`<name> must be …, got <value>: <hint>`) to the problems `invalidOptions` throws as one error.

export { checkAbortSignal } from './check-abort-signal.js';
export { checkBoolean } from './check-boolean.js';
export { checkDuration, type DurationRule } from './check-duration.js';
export { checkEnum } from './check-enum.js';
export { checkInteger, type IntegerRule } from './check-integer.js';
export { checkKnownKeys } from './check-known-keys.js';
export { checkLogger, LOGGER_METHODS } from './check-logger.js';
export { checkMethods, type MethodsRule } from './check-methods.js';
export { checkOptionsObject } from './check-options-object.js';
export { checkScheduler } from './check-scheduler.js';
export { didYouMean } from './did-you-mean.js';
export type { OptionHint } from './option-hint.js';
