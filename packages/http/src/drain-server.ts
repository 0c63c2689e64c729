import type { Server } from 'node:http';
import type { SocketTracker } from './socket-tracker.js';

/**
 * How long idle keep-alive sockets stay open once a stop began. A client that is reusing such a
 * socket right now (it has just read its previous response) gets its request in and answered with
 * `Connection: close`, instead of having it reset; a few milliseconds cover a busy client's event
 * loop. It is the only wait of a stop with nothing in flight.
 */
export const IDLE_CLOSE_GRACE_MS = 20;

/**
 * The graceful stop of a listening Node HTTP(S) server, in this order:
 *
 * 1. responses from now on say `Connection: close` (in-flight ones too, when their headers are not out);
 * 2. the listener closes, so new connections are refused;
 * 3. idle keep-alive sockets are closed after `IDLE_CLOSE_GRACE_MS`, once the event loop has read
 *    what already arrived;
 * 4. each busy socket is closed once its last response ends;
 * 5. when `signal` aborts, every socket left is destroyed.
 *
 * Resolves once every socket is closed, never waiting for `keepAliveTimeout`.
 */
export function drainServer(server: Server, tracker: SocketTracker, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timers = new Set<NodeJS.Timeout>();
    const forceClose = (): void => tracker.destroyAll();
    const closeIdle = (): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        afterNextPoll(() => server.closeIdleConnections());
      }, IDLE_CLOSE_GRACE_MS);
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
    closeIdle();
    // A TLS handshake that completes during the drain yields a socket with no request yet.
    server.on('secureConnection', closeIdle);
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
