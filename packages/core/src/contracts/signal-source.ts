import type { Observable } from 'rxjs';

/**
 * Turns OS signals into a stream. Subscribing installs the listeners, unsubscribing removes them.
 * While a listener is installed, Node does not apply the signal's default action (exit).
 */
export type SignalSource = (signals: readonly NodeJS.Signals[]) => Observable<NodeJS.Signals>;
