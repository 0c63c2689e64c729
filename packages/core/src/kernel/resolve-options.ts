import { DEFAULT_OPTIONS, type KratosOptions } from '../contracts/kratos-options.js';

/** Options with every default applied; what the kernel runs on. */
export type ResolvedOptions = Required<
  Pick<
    KratosOptions,
    | 'signals'
    | 'startTimeout'
    | 'stopTimeout'
    | 'registrarTimeout'
    | 'hookTimeout'
    | 'drainDelay'
    | 'forceExitOnSecondSignal'
  >
> &
  Pick<KratosOptions, 'endpoints'>;

/** Applies the defaults (`DEFAULT_OPTIONS`) to what the user gave. Validation is separate. */
export function resolveOptions(options: KratosOptions): ResolvedOptions {
  const resolved = {
    signals: options.signals ?? DEFAULT_OPTIONS.signals,
    startTimeout: options.startTimeout ?? DEFAULT_OPTIONS.startTimeout,
    stopTimeout: options.stopTimeout ?? DEFAULT_OPTIONS.stopTimeout,
    registrarTimeout: options.registrarTimeout ?? DEFAULT_OPTIONS.registrarTimeout,
    hookTimeout: options.hookTimeout ?? DEFAULT_OPTIONS.hookTimeout,
    drainDelay: options.drainDelay ?? DEFAULT_OPTIONS.drainDelay,
    forceExitOnSecondSignal: options.forceExitOnSecondSignal ?? DEFAULT_OPTIONS.forceExitOnSecondSignal,
  };
  return options.endpoints === undefined ? resolved : { ...resolved, endpoints: options.endpoints };
}
