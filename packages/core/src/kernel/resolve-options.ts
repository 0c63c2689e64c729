import { KRATOS_DEFAULTS, type KratosOptions } from '../contracts/kratos-options.js';

/** The options that have a default. */
type DefaultedKey = keyof typeof KRATOS_DEFAULTS;

/** Options with every default applied; what the kernel runs on. */
export type ResolvedOptions = {
  readonly [K in DefaultedKey]-?: Exclude<KratosOptions[K], undefined>;
} & Pick<KratosOptions, 'endpoints'>;

const DEFAULTED_KEYS = Object.keys(KRATOS_DEFAULTS) as DefaultedKey[];

/** Applies the defaults (`KRATOS_DEFAULTS`) to what the user gave. Validation is separate. */
export function resolveOptions(options: KratosOptions): ResolvedOptions {
  const resolved: Record<string, unknown> = { ...KRATOS_DEFAULTS };
  for (const key of DEFAULTED_KEYS) {
    if (options[key] !== undefined) resolved[key] = options[key];
  }
  if (options.endpoints !== undefined) resolved.endpoints = options.endpoints;
  return resolved as ResolvedOptions;
}
