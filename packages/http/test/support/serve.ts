import { HttpServer, type HttpServerOptions } from '../../src/index.js';

/** A started standalone server and where to reach it (always 127.0.0.1). */
export interface Served {
  readonly server: HttpServer;
  readonly port: number;
  /** `http://127.0.0.1:PORT` (or https). */
  readonly base: string;
}

const started = new Set<HttpServer>();

/** Starts an `HttpServer` on 127.0.0.1 and an OS-chosen port; `stopEvery()` cleans it up. */
export async function serve(options: HttpServerOptions): Promise<Served> {
  const server = new HttpServer({ host: '127.0.0.1', port: 0, ...options });
  await server.start(new AbortController().signal);
  started.add(server);
  const base = server.endpoint();
  return { server, port: Number(new URL(base).port), base };
}

/** Stops, forcibly, every server `serve` started; for `afterEach`. */
export async function stopEvery(): Promise<void> {
  const servers = [...started];
  started.clear();
  await Promise.all(servers.map((server) => server.stop(AbortSignal.abort())));
}

/** A signal that never aborts. */
export function never(): AbortSignal {
  return new AbortController().signal;
}
