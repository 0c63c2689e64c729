import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasMethods } from '@kratos-ts/core/internal';

/**
 * What `HttpServer` uses of a Fastify (v4/v5) instance, typed structurally so that
 * `@kratos-ts/http` does not depend on fastify: `new HttpServer({ handler: Fastify() })`
 * type-checks as it is.
 *
 * - `start()` awaits `ready()` (plugins load then; one that fails fails the start), then listens;
 * - every request that is not a probe goes to `routing(req, res)`;
 * - `stop()` drains the connections as for any handler, then awaits `close()`, so the app's
 *   `onClose` hooks run after the last response went out.
 *
 * The server listens itself: Fastify's own `app.server` never listens, and `close()` closes it.
 *
 * @example
 * const app = Fastify();
 * app.get('/hello', async () => ({ hello: 'world' }));
 * new HttpServer({ handler: app, port: 8080 });
 */
export interface FastifyApp {
  /**
   * Fastify's request entry point. A property, not a method, so that its parameters are checked
   * strictly: an HTTP/2 instance (`Http2ServerRequest`) is refused at compile time.
   */
  readonly routing: (req: IncomingMessage, res: ServerResponse) => void;
  /** Loads the plugins; resolves once the app can route, rejects with a plugin's error. */
  ready(): PromiseLike<unknown>;
  /** Runs the `onClose` hooks; rejects when one of them fails. */
  close(): PromiseLike<unknown>;
}

/** Whether `value` has what `HttpServer` needs of a Fastify instance (`routing`, `ready`, `close`). */
export function isFastifyApp(value: unknown): value is FastifyApp {
  return hasMethods(value, ['routing', 'ready', 'close']);
}
