import type { IncomingMessage } from 'node:http';

/** What Express leaves on a request it routed: the route's pattern, and the mount path it ran under. */
interface ExpressRoutedRequest {
  readonly route?: { readonly path?: unknown };
  readonly baseUrl?: unknown;
}

/**
 * The route pattern an Express (4/5) app matched for `req` (`/users/:id`), read once the response
 * ended: Express leaves it on the request as `req.route.path`, relative to the router's mount path
 * (`req.baseUrl`, prefixed here; a mount path with parameters shows their values). `undefined` when
 * no Express route answered (a plain handler, a middleware, a 404), or for a RegExp route.
 */
export function expressRoute(req: IncomingMessage): string | undefined {
  const { route, baseUrl } = req as IncomingMessage & ExpressRoutedRequest;
  const path = route?.path;
  if (typeof path !== 'string') return undefined;
  return typeof baseUrl === 'string' ? baseUrl + path : path;
}
