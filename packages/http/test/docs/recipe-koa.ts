import Koa from 'koa';
import { HttpServer } from '@kratos-ts/http';

// The API: middleware as usual, and no app.listen(): the HttpServer listens.
export function buildApp(): Koa {
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.path === '/hello') ctx.body = { hello: 'world' };
    else await next();
  });
  return app;
}

// app.callback() is the (req, res) listener; it composes the middleware used so far.
// container.bind(SERVER).toConstantValue(apiServer(buildApp()));
export function apiServer(app: Koa, port = 8000, host = '0.0.0.0'): HttpServer {
  return new HttpServer({ handler: app.callback(), port, host });
}
