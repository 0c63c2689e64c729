/** One pino log method: `(obj, msg?)` or `(msg)`. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/** The subset of pino's interface the framework logs through. A pino logger fits as it is. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** pino's: lets the framework skip building messages nobody will see. */
  isLevelEnabled?(level: string): boolean;
}
