import type { Logger } from '@kratos-ts/core';

/** One line a `RecordingLogger` received. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly obj: object;
}

/** A `Logger` that keeps every line, for assertions. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  readonly debug = this.#at('debug');
  readonly info = this.#at('info');
  readonly warn = this.#at('warn');
  readonly error = this.#at('error');

  /** The messages logged at `level`. */
  messages(level: LogLine['level']): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.msg);
  }

  #at(level: LogLine['level']): Logger['info'] {
    return (objOrMsg: object | string, msg?: string) => {
      if (typeof objOrMsg === 'string') this.lines.push({ level, msg: objOrMsg, obj: {} });
      else this.lines.push({ level, msg: msg ?? '', obj: objOrMsg });
    };
  }
}
