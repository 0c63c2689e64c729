import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { SocketTracker } from './socket-tracker.js';

/**
 * How long idle keep-alive sockets stay open once a stop began. A client that is reusing such a
 * socket right now (it has just read its previous response) gets its request in and answered with
 * `Connection: close`, instead of having it reset; a few milliseconds cover a busy client's event
 * loop. It is the only wait of a stop with nothing in flight and every connection between requests.
 */
export const IDLE_CLOSE_GRACE_MS = 20;

/** What a drain needs besides the server, its sockets and the stop signal. */
export interface DrainOptions {
  /**
   * From the start of the drain, how long a socket may still take to complete a request head (or
   * its TLS handshake) before it is closed. Never shorter than `IDLE_CLOSE_GRACE_MS` in effect.
   */
  readonly partialRequestGrace: number;
  /** Called for each upgraded socket once the listener is closed; must not throw. */
  readonly closeUpgraded?: ((socket: Socket, request: IncomingMessage) => void) | undefined;
}

/**
 * The graceful stop of a listening Node HTTP(S) server, in this order:
 *
 * 1. responses from now on say `Connection: close` (in-flight ones too, when their headers are not out);
 * 2. the listener closes, so new connections are refused;
 * 3. `closeUpgraded` is called for each upgraded socket (a WebSocket, say), which stays open until
 *    it closes or step 7;
 * 4. idle keep-alive sockets are closed after `IDLE_CLOSE_GRACE_MS`, once the event loop has read
 *    what already arrived;
 * 5. sockets still awaiting a complete request head (nothing sent yet, a partial head, a TLS
 *    handshake under way) are closed after `partialRequestGrace`, read the same way first; a
 *    request whose head arrives before then is served as in step 6;
 * 6. each busy socket is closed once its last response ends;
 * 7. when `signal` aborts, every socket left is destroyed.
 *
 * Resolves once every socket is closed, never waiting for `keepAliveTimeout`.
 */
export function drainServer(
  server: Server,
  tracker: SocketTracker,
  signal: AbortSignal,
  options: DrainOptions,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const timers = new Set<NodeJS.Timeout>();
    const forceClose = (): void => tracker.destroyAll();
    const later = (delay: number, work: () => void): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        afterNextPoll(work);
      }, delay);
      timers.add(timer);
    };
    tracker.beginDrain();
    closeListener(server, () => {
      signal.removeEventListener('abort', forceClose);
      for (const timer of timers) clearTimeout(timer);
      resolve();
    });
    if (signal.aborted) {
      forceClose();
      return;
    }
    signal.addEventListener('abort', forceClose, { once: true });
    const { closeUpgraded } = options;
    if (closeUpgraded) {
      for (const { socket, request } of tracker.upgradedSockets()) closeUpgraded(socket, request);
    }
    later(IDLE_CLOSE_GRACE_MS, () => server.closeIdleConnections());
    later(Math.max(options.partialRequestGrace, IDLE_CLOSE_GRACE_MS), () => tracker.closeAwaitingHead());
  });
}

/**
 * Stops listening; `done` is called once the listener and every connection are closed. Node's own
 * `close()` destroys idle sockets *before* it stops listening, so a client that reconnects in
 * between is reset; that step is skipped for this call and done by the caller afterwards.
 */
function closeListener(server: Server, done: () => void): void {
  server.closeIdleConnections = skipIdleConnections;
  try {
    server.close(() => done());
  } finally {
    Reflect.deleteProperty(server, 'closeIdleConnections');
  }
}

function skipIdleConnections(): void {}

/**
 * Runs `work` once the event loop has polled for I/O at least once from now: a request already in
 * a socket's receive buffer is then read, so that socket counts as busy and its request is answered
 * instead of reset. One `setImmediate` is not enough when called from the poll phase itself (its
 * check phase comes before the next poll); two always are.
 */
function afterNextPoll(work: () => void): void {
  setImmediate(() => setImmediate(work));
}
