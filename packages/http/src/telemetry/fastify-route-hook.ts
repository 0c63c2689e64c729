import type { IncomingMessage } from 'node:http';
import { hasMethods } from '@kratos-ts/core/internal';
import type { FastifyApp } from '../fastify-app.js';
import { setRequestRoute } from './server-request-telemetry.js';

/** What the hook reads of a Fastify request: the matched route (v4.10+ and v5; `routerPath` before). */
interface FastifyRequestRoute {
  readonly raw: IncomingMessage;
  readonly routeOptions?: { readonly url?: unknown };
  readonly routerPath?: unknown;
}

type AddHook = (
  name: 'onRequest',
  hook: (request: FastifyRequestRoute, reply: unknown, done: () => void) => void,
) => unknown;

/**
 * Adds an `onRequest` hook to a Fastify app that tells each request's telemetry the route Fastify
 * matched (`request.routeOptions.url`, e.g. `/users/:id`), so that its span is named
 * `GET /users/:id` and its metrics carry `http.route`. Returns `false` when the hook could not be
 * added: the app has no `addHook`, or it was already booted (its `ready()` called before it was
 * handed to the server); its spans then name the method alone.
 */
export function addFastifyRouteHook(app: FastifyApp): boolean {
  if (!hasMethods(app, ['addHook'])) return false;
  try {
    (app as unknown as { addHook: AddHook }).addHook('onRequest', reportRoute);
    return true;
  } catch {
    return false;
  }
}

// A callback-style hook (three parameters): Fastify calls it without a promise.
function reportRoute(request: FastifyRequestRoute, _reply: unknown, done: () => void): void {
  const route = request.routeOptions?.url ?? request.routerPath;
  if (typeof route === 'string') setRequestRoute(request.raw, route);
  done();
}
