import type { KernelView, LifecycleState, Logger } from '@kratos-ts/core';
import { BehaviorSubject } from 'rxjs';

/** One call of a `RecordingLogger` method. */
export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Readonly<Record<string, unknown>> | undefined;
  readonly msg: string;
}

/** A `Logger` that records what is logged. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  readonly debug = this.#at('debug');
  readonly info = this.#at('info');
  readonly warn = this.#at('warn');
  readonly error = this.#at('error');

  /** The records at `level`. */
  at(level: LogRecord['level']): LogRecord[] {
    return this.records.filter((record) => record.level === level);
  }

  #at(level: LogRecord['level']) {
    return (objOrMsg: object | string, msg?: string): void => {
      this.records.push(
        typeof objOrMsg === 'string'
          ? { level, fields: undefined, msg: objOrMsg }
          : { level, fields: objOrMsg as Record<string, unknown>, msg: msg ?? '' },
      );
    };
  }
}

/** A stand-in kernel that is `running` and logs to `logger`, for `attachKernel` without a container. */
export function runningKernel(logger: Logger): KernelView {
  const state$ = new BehaviorSubject<LifecycleState>('running');
  return {
    app: { id: 'test-1', name: 'test', version: '0.0.0', metadata: {}, endpoints: [] },
    state$,
    get state() {
      return state$.value;
    },
    logger,
  };
}
