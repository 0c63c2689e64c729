import express, { type Express } from 'express';
import { HttpServer } from '@kratos-ts/http';

// The API: routes and middleware as usual, and no app.listen(): the HttpServer listens.
export function buildApp(): Express {
  const app = express();
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  return app;
}

// An Express 5 app is a (req, res) listener: the handler as it is.
// container.bind(SERVER).toConstantValue(apiServer(buildApp()));
export function apiServer(app: Express, port = 8000, host = '0.0.0.0'): HttpServer {
  return new HttpServer({ handler: app, port, host });
}
