/** One pino log method: `(obj, msg?)` or `(msg)`. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/** The subset of pino's interface the framework logs through. A pino logger fits as it is. */
export interface Logger {
  /** Detail for investigations: connection pools opened and closed, node list changes, retries. */
  debug: LogFn;
  /** The lifecycle as it goes: signals received, state changes, the start summary, deregistrations. */
  info: LogFn;
  /** Trouble that was handled: a lost lease being re-granted, a second signal while stopping. */
  warn: LogFn;
  /** Failures: a start or stop step that failed, a request handler that threw, an uncaught error. */
  error: LogFn;
  /** pino's: lets the framework skip building messages nobody will see. */
  isLevelEnabled?(level: string): boolean;
}
