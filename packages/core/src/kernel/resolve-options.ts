import { DEFAULT_OPTIONS, type KratosOptions } from '../contracts/kratos-options.js';

/** The options that have a default. */
type DefaultedKey = keyof typeof DEFAULT_OPTIONS;

/** Options with every default applied; what the kernel runs on. */
export type ResolvedOptions = {
  readonly [K in DefaultedKey]-?: Exclude<KratosOptions[K], undefined>;
} & Pick<KratosOptions, 'endpoints'>;

const DEFAULTED_KEYS = Object.keys(DEFAULT_OPTIONS) as DefaultedKey[];

/** Applies the defaults (`DEFAULT_OPTIONS`) to what the user gave. Validation is separate. */
export function resolveOptions(options: KratosOptions): ResolvedOptions {
  const resolved: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  for (const key of DEFAULTED_KEYS) {
    if (options[key] !== undefined) resolved[key] = options[key];
  }
  if (options.endpoints !== undefined) resolved.endpoints = options.endpoints;
  return resolved as ResolvedOptions;
}
