import type { Server } from 'node:net';

/**
 * `server.listen(port, host)` as a Promise: resolves on `listening`, rejects with the bind error,
 * or with `signal.reason` when `signal` aborts first (the server is then closed, even if it only
 * starts listening later).
 */
export function listen(server: Server, port: number, host: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      server.off('error', onError);
      server.off('listening', onListening);
      signal.removeEventListener('abort', onAbort);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onListening = (): void => {
      cleanup();
      resolve();
    };
    const onAbort = (): void => {
      cleanup();
      if (server.listening) server.close();
      else {
        server.once('listening', () => server.close());
        server.once('error', () => undefined);
      }
      reject(signal.reason as Error);
    };
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    server.once('error', onError);
    server.once('listening', onListening);
    signal.addEventListener('abort', onAbort, { once: true });
    server.listen(port, host);
  });
}
