import type { Logger } from '../contracts/logger.js';

const SAFE = Symbol.for('@kratos-ts/core/safe-logger');
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * The same logger, except that no call on it ever throws: a log method that throws (a broken
 * destination, a serializer that fails on a field) loses that one line and nothing else, so the
 * lifecycle, a server or a registrar never depends on a log call succeeding. `isLevelEnabled` that
 * throws counts as "enabled". Wrapping twice returns the first wrapper.
 *
 * @example
 * const logger = safeLogger(options.logger ?? silentLogger);
 */
export function safeLogger(logger: Logger): Logger {
  if ((logger as { [SAFE]?: true })[SAFE]) return logger;
  const safe = { [SAFE]: true } as Logger & { [SAFE]: true };
  for (const level of LEVELS) {
    safe[level] = (objOrMsg: object | string, msg?: string): void => {
      try {
        if (msg === undefined) (logger[level] as (arg: object | string) => void)(objOrMsg);
        else logger[level](objOrMsg as object, msg);
      } catch {
        // A log line is never worth a failed lifecycle step: the line is lost, nothing else.
      }
    };
  }
  if (typeof logger.isLevelEnabled === 'function') {
    safe.isLevelEnabled = (level: string): boolean => {
      try {
        return logger.isLevelEnabled!(level) !== false;
      } catch {
        return true;
      }
    };
  }
  return Object.freeze(safe);
}
