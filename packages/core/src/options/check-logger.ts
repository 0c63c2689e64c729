import { checkMethods } from './check-methods.js';
import type { OptionHint } from './option-hint.js';

/** The four methods of the `Logger` contract, all of which a logger option must have. */
export const LOGGER_METHODS = Object.freeze(['debug', 'info', 'warn', 'error'] as const);

/**
 * Checks an optional logger: `undefined` passes, anything else must have the four methods of the
 * `Logger` contract (debug, info, warn, error), whichever of them the package calls today, so that
 * one logger is accepted or refused the same way everywhere. Pushes e.g.
 * `logger must be a Logger (a pino logger fits) with debug(), info(), warn() and error(), got an object: it has no info() and error()`;
 * `true` when valid.
 */
export function checkLogger(
  problems: string[],
  name: string,
  value: unknown,
  rule: OptionHint = {},
): boolean {
  return checkMethods(problems, name, value, LOGGER_METHODS, 'a Logger (a pino logger fits)', rule);
}
