import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** On each socket, the response to its latest request. */
const LATEST_RESPONSE = Symbol('@kratos-ts/http/latest-response');
/** On a socket taken over by an `upgrade`, the request that upgraded it. */
const UPGRADE_REQUEST = Symbol('@kratos-ts/http/upgrade-request');
/** On the TCP socket under a TLS one: `true` until its TLS handshake completes. */
const HANDSHAKING = Symbol('@kratos-ts/http/handshaking');
/**
 * On the response to a pipelined request, the unfinished response ahead of it on the same socket:
 * Node runs pipelined requests at once and queues their responses, so a drain must reach all of them.
 */
const QUEUED_BEHIND = Symbol('@kratos-ts/http/queued-behind');

type TrackedResponse = ServerResponse & { [QUEUED_BEHIND]?: TrackedResponse };

type TrackedSocket = Socket & {
  [LATEST_RESPONSE]?: TrackedResponse;
  [UPGRADE_REQUEST]?: IncomingMessage;
  [HANDSHAKING]?: boolean;
};

/** An open upgraded socket and the request that upgraded it. */
export interface UpgradedSocket {
  readonly socket: Socket;
  readonly request: IncomingMessage;
}

/**
 * Knows every socket of one server and the response each owes last, so that a stop can drain them:
 * once `beginDrain()` is called, every response not yet started says `Connection: close`, and each
 * socket is closed as soon as its last response ends. While serving it costs one property write
 * per request: no listener, no map.
 *
 * A socket *awaits a request head* from its connection (or the end of its previous response) until
 * its next request arrives; `closeAwaitingHead()` closes those. That state is read from the latest
 * response, so it costs nothing per chunk of data.
 */
export class SocketTracker {
  /** Every open socket: TCP ones, and with TLS the TLS sockets over them too. */
  readonly #sockets = new Set<TrackedSocket>();
  #draining = false;
  /** Set by `closeAwaitingHead()`: a socket that starts awaiting a head from then on is closed at once. */
  #awaitingClosed = false;
  /**
   * Whether each TLS socket could be matched with the TCP socket under it. When one could not (a
   * Node version without `TLSSocket._parent`), no TCP socket is taken for a stalled handshake.
   */
  #handshakesKnown = true;

  /** Open sockets (TCP and TLS ones counted apart). */
  get sockets(): number {
    return this.#sockets.size;
  }

  /** Whether `beginDrain()` was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Listener for the `connection` event of a plain HTTP server, and for the `secureConnection`
   * event of an HTTPS one: a socket that carries HTTP.
   */
  readonly track = (socket: Socket): void => {
    this.#add(socket);
    if (this.#awaitingClosed) socket.destroy();
  };

  /** Listener for the `connection` event of an HTTPS server: a TCP socket whose TLS handshake begins. */
  readonly trackHandshake = (socket: Socket): void => {
    (socket as TrackedSocket)[HANDSHAKING] = true;
    this.#add(socket);
  };

  /** Listener for the `secureConnection` event of an HTTPS server. */
  readonly trackSecure = (socket: Socket): void => {
    // Node's own name for the TCP socket under a server-side TLS socket; not public API, hence the check.
    const tcp: unknown = Reflect.get(socket, '_parent');
    if (this.#sockets.has(tcp as TrackedSocket)) (tcp as TrackedSocket)[HANDSHAKING] = false;
    else this.#handshakesKnown = false;
    this.track(socket);
  };

  /** Call from the server's `upgrade` listener, before the socket is handed over. */
  onUpgrade(req: IncomingMessage): void {
    (req.socket as TrackedSocket)[UPGRADE_REQUEST] = req;
  }

  /** Every upgraded socket still open, with the request that upgraded it. */
  upgradedSockets(): UpgradedSocket[] {
    const upgraded: UpgradedSocket[] = [];
    for (const socket of this.#sockets) {
      const request = socket[UPGRADE_REQUEST];
      if (request) upgraded.push({ socket, request });
    }
    return upgraded;
  }

  /** Call first thing on each request, before anything writes to `res`. */
  onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket: TrackedSocket = req.socket;
    const ahead = socket[LATEST_RESPONSE];
    // Linked only while unfinished, so the chain never grows beyond the requests pipelined at once.
    if (ahead !== undefined && !ahead.writableFinished) (res as TrackedResponse)[QUEUED_BEHIND] = ahead;
    socket[LATEST_RESPONSE] = res;
    if (this.#draining) drainResponse(socket, res);
  }

  /**
   * From now on responses carry `Connection: close`: every response not finished yet, on every
   * socket (pipelined ones queued behind another too), unless its headers are already sent. The
   * first of them to go out ends its connection, as HTTP/1.1 requires, and each socket is closed
   * once its last response ends.
   */
  beginDrain(): void {
    if (this.#draining) return;
    this.#draining = true;
    for (const socket of this.#sockets) {
      const res = socket[LATEST_RESPONSE];
      if (!res || res.writableFinished) continue;
      drainResponse(socket, res);
      for (let ahead = res[QUEUED_BEHIND]; ahead && !ahead.writableFinished; ahead = ahead[QUEUED_BEHIND]) {
        sayClose(ahead);
      }
    }
  }

  /**
   * Destroys every socket that awaits a request head: connected (or done with its previous
   * response) but without a complete request since, and TCP sockets whose TLS handshake is still
   * under way. Sockets that start awaiting one later are closed at once. Upgraded sockets and
   * sockets with a request in flight are left alone.
   */
  closeAwaitingHead(): void {
    this.#awaitingClosed = true;
    for (const socket of this.#sockets) if (this.#awaitsHead(socket)) socket.destroy();
  }

  /** Destroys every socket at once, whatever it is doing: the forced end of a stop. */
  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  #add(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  #awaitsHead(socket: TrackedSocket): boolean {
    if (socket[UPGRADE_REQUEST]) return false;
    const handshaking = socket[HANDSHAKING];
    // A TCP socket under TLS: once secured, the TLS socket over it is the one that awaits requests.
    if (handshaking !== undefined) return handshaking && this.#handshakesKnown;
    const res = socket[LATEST_RESPONSE];
    return res === undefined || res.writableFinished;
  }
}

/** Makes `res` the last response of `socket`: `Connection: close` if still possible, then close it. */
function drainResponse(socket: TrackedSocket, res: ServerResponse): void {
  sayClose(res);
  // Node closes the socket after a `Connection: close` response; this also covers a response whose
  // headers went out before the drain, or a handler that overrode the header.
  res.once('close', () => {
    if (socket[LATEST_RESPONSE] === res && !socket[UPGRADE_REQUEST]) closeWhenFlushed(socket);
  });
}

/** `Connection: close` on `res` if its headers are not sent yet (Node then ends the socket after it). */
function sayClose(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close');
}

/** Ends the socket once what was written to it is flushed, then releases it. */
function closeWhenFlushed(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableFinished) socket.destroy();
  else if (socket.writableEnded) socket.once('finish', () => socket.destroy());
  else socket.end(() => socket.destroy());
}
