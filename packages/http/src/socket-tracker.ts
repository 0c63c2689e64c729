import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** On each socket, the response to its latest request. */
const LATEST_RESPONSE = Symbol('@kratos-ts/http/latest-response');

type TrackedSocket = Socket & { [LATEST_RESPONSE]?: ServerResponse };

/**
 * Knows every socket of one server and the response each owes last, so that a stop can drain them:
 * once `beginDrain()` is called, every response not yet started says `Connection: close`, and each
 * socket is closed as soon as its last response ends. While serving it costs one property write
 * per request: no listener, no map.
 */
export class SocketTracker {
  /** Every open socket: TCP ones, and with TLS the TLS sockets over them too. */
  readonly #sockets = new Set<TrackedSocket>();
  #draining = false;

  /** Open sockets (TCP and TLS ones counted apart). */
  get sockets(): number {
    return this.#sockets.size;
  }

  /** Whether `beginDrain()` was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Listener for the server's `connection` (and `secureConnection`) events. */
  readonly track = (socket: Socket): void => {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  };

  /** Call first thing on each request, before anything writes to `res`. */
  onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket: TrackedSocket = req.socket;
    socket[LATEST_RESPONSE] = res;
    if (this.#draining) drainResponse(socket, res);
  }

  /**
   * From now on responses carry `Connection: close` (those in flight too, unless their headers are
   * already sent) and each socket is closed once its last response ends.
   */
  beginDrain(): void {
    if (this.#draining) return;
    this.#draining = true;
    for (const socket of this.#sockets) {
      const res = socket[LATEST_RESPONSE];
      if (res && !res.writableFinished) drainResponse(socket, res);
    }
  }

  /** Destroys every socket at once, whatever it is doing: the forced end of a stop. */
  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }
}

/** Makes `res` the last response of `socket`: `Connection: close` if still possible, then close it. */
function drainResponse(socket: TrackedSocket, res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close');
  // Node closes the socket after a `Connection: close` response; this also covers a response whose
  // headers went out before the drain, or a handler that overrode the header.
  res.once('close', () => {
    if (socket[LATEST_RESPONSE] === res) closeWhenFlushed(socket);
  });
}

/** Ends the socket once what was written to it is flushed, then releases it. */
function closeWhenFlushed(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableFinished) socket.destroy();
  else if (socket.writableEnded) socket.once('finish', () => socket.destroy());
  else socket.end(() => socket.destroy());
}
