import Fastify, { type FastifyInstance } from 'fastify';
import { HttpServer } from '@kratos-ts/http';

// The API: routes, plugins and hooks as usual; no listen(), no ready(), no close().
export function buildApp(): FastifyInstance {
  const app = Fastify();
  app.get('/hello', async () => ({ hello: 'world' }));
  return app;
}

// The instance is the handler. start() awaits app.ready() (a plugin that fails fails the start);
// stop() drains the connections, then awaits app.close(): onClose hooks run after the last response.
// container.bind(SERVER).toConstantValue(apiServer(buildApp()));
export function apiServer(app: FastifyInstance, port = 8000, host = '0.0.0.0'): HttpServer {
  return new HttpServer({ handler: app, port, host });
}
