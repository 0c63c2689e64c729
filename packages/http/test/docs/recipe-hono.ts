import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { HttpServer } from '@kratos-ts/http';

// The API: routes as usual, and no serve(): the HttpServer listens.
export function buildApp(): Hono {
  const app = new Hono();
  app.get('/hello', (c) => c.json({ hello: 'world' }));
  return app;
}

// getRequestListener turns Hono's fetch(Request) into a (req, res) listener.
// container.bind(SERVER).toConstantValue(apiServer(buildApp()));
export function apiServer(app: Hono, port = 8000, host = '0.0.0.0'): HttpServer {
  return new HttpServer({ handler: getRequestListener(app.fetch), port, host });
}
