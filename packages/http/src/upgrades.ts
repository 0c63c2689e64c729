import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { callGuarded, describeError } from '@kratos-ts/core/internal';
import { requestPath } from './handler-failure-message.js';
import type { CloseUpgradedHandler, HttpUpgradeHandler } from './http-server-options.js';
import type { SocketTracker } from './socket-tracker.js';

/** Told when `onUpgrade` or `closeUpgraded` threw or rejected, with the log line to write. */
export type UpgradeFailureListener = (error: unknown, request: IncomingMessage, message: string) => void;

/** The whole answer to an upgrade request that arrives once a stop began. */
const STOPPING_RESPONSE =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * The server's `upgrade` listener: marks the socket as upgraded, then hands it to `onUpgrade`.
 * Once a drain began it answers 503 with `Connection: close` instead, since a connection upgraded
 * now would only be closed again at once. When `onUpgrade` throws (or rejects) the socket is
 * destroyed, as Node does with an upgrade nobody takes, and `onFailure` is told.
 */
export function upgradeListener(
  server: string,
  tracker: SocketTracker,
  onUpgrade: HttpUpgradeHandler,
  onFailure: UpgradeFailureListener,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    if (tracker.draining) {
      // Node removed its own error listener from this socket: a reset while writing must not crash.
      socket.on('error', () => socket.destroy());
      socket.end(STOPPING_RESPONSE, () => socket.destroy());
      return;
    }
    tracker.onUpgrade(req);
    const failed = (error: unknown): void => {
      socket.destroy();
      onFailure(
        error,
        req,
        `HTTP server "${server}": onUpgrade failed on ${upgradeRequest(req)}: ${describeError(error)}; the connection was destroyed`,
      );
    };
    callGuarded(() => onUpgrade(req, socket, head), undefined, { failed });
  };
}

/**
 * `closeUpgraded` made safe to call from a drain: a throw or a rejection goes to `onFailure`, and
 * the socket is left to close by itself or at `stopTimeout`.
 */
export function guardCloseUpgraded(
  server: string,
  closeUpgraded: CloseUpgradedHandler,
  onFailure: UpgradeFailureListener,
): (socket: Socket, request: IncomingMessage) => void {
  return (socket, request) => {
    const failed = (error: unknown): void =>
      onFailure(
        error,
        request,
        `HTTP server "${server}": closeUpgraded failed for the connection upgraded by ${upgradeRequest(request)}: ${describeError(error)}; it stays open until it closes or stopTimeout`,
      );
    callGuarded(() => closeUpgraded(socket, request), undefined, { failed });
  };
}

/** `GET /chat` (the query string, which may carry a token, left out). */
function upgradeRequest(req: IncomingMessage): string {
  return `${req.method ?? 'GET'} ${requestPath(req.url)}`;
}
