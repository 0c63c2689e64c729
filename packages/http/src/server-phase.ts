/**
 * Where one `HttpServer` is: `idle → starting → listening → draining → stopped` (and back to
 * `starting` when started again). `draining` lasts from the first instant of `stop()` until every
 * socket is closed.
 */
export type ServerPhase = 'idle' | 'starting' | 'listening' | 'draining' | 'stopped';
