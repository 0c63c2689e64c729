import type { LogFn, Logger } from '@kratos-ts/core';

/** One line a `RecordingLogger` received. */
export interface LogRecord {
  /** When it was logged: virtual ms under a virtual kernel, else `performance.now()`. */
  readonly at: number;
  /** The method it was logged with. */
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** The message; `''` when only an object was logged. */
  readonly msg: string;
  /** The object logged with the message, when there was one. */
  readonly fields?: object;
}

/** A `Logger` that keeps every line instead of writing it. */
export interface RecordingLogger extends Logger {
  /** Everything logged, in order. */
  readonly records: readonly LogRecord[];
  /** The messages logged at `level`, in order. */
  messages(level?: LogRecord['level']): string[];
}

/**
 * A logger for tests: quiet, and every line is kept in `records`. `startTestApp` and
 * `virtualKernel` bind one to `LOGGER` when the container has none.
 *
 * @example
 * const logger = recordingLogger();
 * container.bind(LOGGER).toConstantValue(logger);
 * // …
 * expect(logger.messages('warn')).toEqual([]);
 */
export function recordingLogger(now: () => number = () => performance.now()): RecordingLogger {
  const records: LogRecord[] = [];
  const log =
    (level: LogRecord['level']): LogFn =>
    (objOrMsg: object | string, msg?: string): void => {
      if (typeof objOrMsg === 'string') records.push({ at: now(), level, msg: objOrMsg });
      else records.push({ at: now(), level, msg: msg ?? '', fields: objOrMsg });
    };
  return {
    records,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    messages: (level) => records.filter((r) => level === undefined || r.level === level).map((r) => r.msg),
  };
}
