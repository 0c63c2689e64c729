/** How the example writes its logs: pino's JSON lines, or one human-readable line each. */
export type LogFormat = 'json' | 'pretty';

/**
 * `LOG_FORMAT=json` or `pretty` when set; unset (or empty), pretty in a terminal (stdout is a TTY)
 * and JSON everywhere else: CI, containers, pipes and the tests. Any other value is an error that
 * names the variable, as `readConfig` reports a malformed one.
 */
export function logFormat(env: NodeJS.ProcessEnv, isTTY: boolean): LogFormat {
  const raw = env.LOG_FORMAT;
  if (raw === undefined || raw === '') return isTTY ? 'pretty' : 'json';
  if (raw === 'json' || raw === 'pretty') return raw;
  throw new Error(`LOG_FORMAT=${raw} must be json or pretty (unset: pretty in a terminal, else json)`);
}

/** The startup table is printed at `running` only in a terminal, and only when `LOG_FORMAT` is unset. */
export function showStartupTable(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  return isTTY && (env.LOG_FORMAT === undefined || env.LOG_FORMAT === '');
}
