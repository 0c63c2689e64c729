import express, { type Express } from 'express';
import { inject, injectable } from 'inversify';
import { Greeter } from './greeter.js';

/** The HTTP routes: an Express 5 router around the `Greeter`. */
@injectable()
export class HttpApi {
  readonly app: Express;

  constructor(@inject(Greeter) greeter: Greeter) {
    this.app = express();
    this.app.disable('x-powered-by');
    this.app.get('/hello', (req, res) => {
      const name = typeof req.query.name === 'string' ? req.query.name : '';
      res.json(greeter.greet(name));
    });
  }
}
