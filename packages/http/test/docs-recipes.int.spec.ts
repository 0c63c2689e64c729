import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { HttpBindings } from '@hono/node-server';
import { Container } from 'inversify';
import { createKratosModule, KRATOS_OPTIONS, SERVER } from '@kratos-ts/core';
import type { HttpServer } from '@kratos-ts/http';
import { startTestApp, type TestApp } from '@kratos-ts/testing';
import * as expressRecipe from './docs/recipe-express.js';
import * as fastifyRecipe from './docs/recipe-fastify.js';
import * as honoRecipe from './docs/recipe-hono.js';
import * as koaRecipe from './docs/recipe-koa.js';
import { deferred, type Deferred } from './support/deferred.js';
import { get, tcpConnect } from './support/http-client.js';

// The framework recipes of docs/http.md are these compiled sources, run here for real under a kernel.
const root = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const codeAfter = (markdown: string, heading: string): string => {
  const text = readFileSync(root(markdown), 'utf8');
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`${markdown} has no heading ${JSON.stringify(heading)}`);
  const start = text.indexOf('```ts\n', at) + '```ts\n'.length;
  return text.slice(start, text.indexOf('```', start));
};

/** What a recipe run records, in order: the slow response finishing, the app's onClose hooks. */
type Events = string[];

/** A recipe's server, with a `/slow` route added to its app that waits for `release`. */
interface Recipe {
  readonly heading: string;
  readonly source: string;
  serve(entered: Deferred, release: Promise<void>, events: Events): HttpServer;
}

const slowFinished = (res: ServerResponse, events: Events): void => {
  res.on('finish', () => events.push('slow response finished'));
};

const recipes: Record<string, Recipe> = {
  Express: {
    heading: '### Express',
    source: 'recipe-express.ts',
    serve(entered, release, events) {
      const app = expressRecipe.buildApp();
      app.get('/slow', (_req, res) => {
        slowFinished(res, events);
        entered.resolve();
        void release.then(() => res.send('slow'));
      });
      return expressRecipe.apiServer(app, 0, '127.0.0.1');
    },
  },
  Fastify: {
    heading: '### Fastify',
    source: 'recipe-fastify.ts',
    serve(entered, release, events) {
      const app = fastifyRecipe.buildApp();
      app.get('/slow', async (_req, reply) => {
        slowFinished(reply.raw, events);
        entered.resolve();
        await release;
        return 'slow';
      });
      app.addHook('onClose', async () => {
        events.push(`onClose (fastify's own server listening: ${String(app.server.listening)})`);
        await Promise.resolve();
      });
      return fastifyRecipe.apiServer(app, 0, '127.0.0.1');
    },
  },
  Koa: {
    heading: '### Koa',
    source: 'recipe-koa.ts',
    serve(entered, release, events) {
      const app = koaRecipe.buildApp();
      app.use(async (ctx) => {
        if (ctx.path !== '/slow') return;
        slowFinished(ctx.res, events);
        entered.resolve();
        await release;
        ctx.body = 'slow';
      });
      return koaRecipe.apiServer(app, 0, '127.0.0.1');
    },
  },
  Hono: {
    heading: '### Hono',
    source: 'recipe-hono.ts',
    serve(entered, release, events) {
      const app = honoRecipe.buildApp();
      app.get('/slow', async (c) => {
        slowFinished((c.env as HttpBindings).outgoing, events);
        entered.resolve();
        await release;
        return c.text('slow');
      });
      return honoRecipe.apiServer(app, 0, '127.0.0.1');
    },
  },
};

let running: TestApp | undefined;
afterEach(async () => {
  await running?.stop('test over');
  running = undefined;
});

describe('the framework recipes of docs/http.md', () => {
  it.each(Object.entries(recipes))('%s: the docs show exactly the compiled source', (_name, recipe) => {
    const source = readFileSync(root(`packages/http/test/docs/${recipe.source}`), 'utf8');
    expect(codeAfter('docs/http.md', recipe.heading)).toBe(source);
  });

  it.each(Object.entries(recipes))(
    '%s under a kernel: a request answers, /readyz answers 200, and a stop drains an in-flight request',
    async (name, recipe) => {
      const entered = deferred();
      const release = deferred();
      const events: Events = [];
      const server = recipe.serve(entered, release.promise, events);
      const container = new Container();
      container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'recipe', stopTimeout: 5_000 });
      container.bind(SERVER).toConstantValue(server);
      container.load(createKratosModule({}));
      running = await startTestApp(container);
      const base = running.endpoint('http');
      const port = Number(new URL(base).port);

      const hello = await get(`${base}/hello`, { agent: false });
      expect([hello.status, JSON.parse(hello.body)]).toEqual([200, { hello: 'world' }]);
      expect((await get(`${base}/readyz`, { agent: false })).status).toBe(200);

      const slow = get(`${base}/slow`, { agent: false });
      await entered.promise;
      const stopped = running.stop('drain test');
      // The listener closes at once; the in-flight request is still answered.
      for (let tries = 0; (await tcpConnect(port)) !== 'ECONNREFUSED'; tries += 1) {
        if (tries > 100) throw new Error('the listener never closed');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(events).toEqual([]);
      release.resolve();
      const answer = await slow;
      expect([answer.status, answer.body, answer.headers.connection]).toEqual([200, 'slow', 'close']);
      await stopped;
      expect(server.phase).toBe('stopped');
      expect(events).toEqual(
        name === 'Fastify'
          ? ['slow response finished', "onClose (fastify's own server listening: false)"]
          : ['slow response finished'],
      );
    },
  );
});
