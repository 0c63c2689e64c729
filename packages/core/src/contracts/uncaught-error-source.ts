import type { Observable } from 'rxjs';

/** An error nothing caught: thrown where no `try` surrounds it (a timer, an event handler), or a rejection nobody handled. */
export interface UncaughtError {
  /** How Node reported it: an `uncaughtException` or an `unhandledRejection` event. */
  readonly origin: 'uncaughtException' | 'unhandledRejection';
  /** What was thrown, or the rejection's reason. */
  readonly error: unknown;
}

/**
 * The process' uncaught errors as a stream. Subscribing installs the listeners, unsubscribing removes
 * them. While they are installed, Node neither exits on an uncaught exception nor raises an unhandled
 * rejection as one: whoever subscribes decides what happens.
 */
export type UncaughtErrorSource = () => Observable<UncaughtError>;
