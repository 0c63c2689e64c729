import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { fakeKernelView, recordingLogger, type RecordingLogger } from '@kratos-ts/testing';
import { HttpWarningCode, HttpServer, type HttpHandler } from '../src/index.js';
import { deferred } from './support/deferred.js';
import { get, RawHttpClient } from './support/http-client.js';
import { never, serve, stopEvery } from './support/serve.js';

const running: HttpServer[] = [];

/** Starts an `HttpServer` named "api" on 127.0.0.1:0 under a stand-in kernel logging to a recording logger. */
async function serveLogged(
  handler: HttpHandler,
): Promise<{ base: string; port: number; logger: RecordingLogger; server: HttpServer }> {
  const logger = recordingLogger();
  const server = new HttpServer({ handler, host: '127.0.0.1', port: 0, name: 'api' });
  server.attachKernel(fakeKernelView({ logger }));
  await server.start(never());
  running.push(server);
  const base = server.endpoint();
  return { base, port: Number(new URL(base).port), logger, server };
}

/** Routes by path: `/hello` answers 200 `hello`, anything else goes to `failing`. */
function routed(failing: HttpHandler): HttpHandler {
  return (req, res) => {
    if (req.url === '/hello') {
      res.end('hello');
      return;
    }
    return failing(req, res);
  };
}

const boom = (): never => {
  throw new Error('kaboom: password=hunter2');
};

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop(AbortSignal.abort())));
  await stopEvery();
  jest.restoreAllMocks();
});

describe('HttpServer when its handler fails (real sockets on 127.0.0.1)', () => {
  it('a synchronous throw answers a plain 500 without the error, logs method and path, and the connection keeps serving', async () => {
    const { port, logger } = await serveLogged(
      routed((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-user', 'secret');
        boom();
      }),
    );
    const client = await RawHttpClient.connect(port);

    client.send('/boom?token=abc');
    const failed = await client.read();
    client.send('/hello');
    const next = await client.read();
    client.socket.destroy();

    expect([failed.status, failed.body]).toEqual([500, 'Internal Server Error\n']);
    expect(failed.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(failed.headers['x-user']).toBeUndefined();
    expect([next.status, next.body]).toEqual([200, 'hello']);
    const [record, ...more] = logger.records.filter((r) => r.level === 'error');
    expect(more).toEqual([]);
    expect(record?.msg).toBe(
      'HTTP server "api": handler failed on GET /boom: kaboom: password=hunter2; answered 500',
    );
    expect(record?.fields).toEqual({
      err: expect.objectContaining({ message: 'kaboom: password=hunter2' }),
      method: 'GET',
      path: '/boom',
      server: 'api',
      code: 'KRATOS_HTTP_HANDLER_FAILED',
    });
  });

  it('an async handler that rejects answers 500 and is logged', async () => {
    const { base, logger } = await serveLogged(
      routed(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        boom();
      }),
    );

    const failed = await get(`${base}/later`, { agent: false });
    const next = await get(`${base}/hello`, { agent: false });

    expect([failed.status, failed.body]).toEqual([500, 'Internal Server Error\n']);
    expect([next.status, next.body]).toEqual([200, 'hello']);
    expect(logger.messages('error')).toEqual([
      'HTTP server "api": handler failed on GET /later: kaboom: password=hunter2; answered 500',
    ]);
  });

  it('a HEAD request whose handler throws gets a 500 without a body', async () => {
    const { base } = await serveLogged(boom);

    const reply = await get(`${base}/x`, { agent: false, method: 'HEAD' });

    expect([reply.status, reply.body, reply.headers['content-length']]).toEqual([500, '', '22']);
  });

  it('a throw after the headers were sent cuts that response; the next request is served', async () => {
    const { base, logger } = await serveLogged(
      routed((_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        boom();
      }),
    );

    await expect(get(`${base}/partial`, { agent: false })).rejects.toThrow();
    const next = await get(`${base}/hello`, { agent: false });

    expect([next.status, next.body]).toEqual([200, 'hello']);
    expect(logger.messages('error')).toEqual([
      'HTTP server "api": handler failed on GET /partial: kaboom: password=hunter2; its headers were already sent, so the response was cut (socket destroyed)',
    ]);
  });

  it('a throw after the response ended leaves the response whole and is logged', async () => {
    const { base, logger } = await serveLogged((_req, res) => {
      res.end('done');
      boom();
    });

    const reply = await get(`${base}/done`, { agent: false });

    expect([reply.status, reply.body]).toEqual([200, 'done']);
    expect(logger.messages('error')).toEqual([
      'HTTP server "api": handler failed on GET /done: kaboom: password=hunter2; the response had already ended',
    ]);
  });

  it('a request in flight on another connection completes while a handler throws', async () => {
    const release = deferred();
    const { base } = await serveLogged((req, res) => {
      if (req.url === '/slow') void release.promise.then(() => res.end('slow done'));
      else boom();
    });

    const slow = get(`${base}/slow`, { agent: false });
    await new Promise((resolve) => setTimeout(resolve, 20)); // /slow is in the handler
    const failed = await get(`${base}/boom`, { agent: false });
    release.resolve();

    expect(failed.status).toBe(500);
    await expect(slow).resolves.toMatchObject({ status: 200, body: 'slow done' });
  });

  it('a handler that fails while the server drains: the 500 keeps `Connection: close`', async () => {
    const release = deferred();
    const { base, server } = await serveLogged(async () => {
      await release.promise;
      boom();
    });

    const failed = get(`${base}/late`, { agent: false });
    await new Promise((resolve) => setTimeout(resolve, 20)); // in the handler
    const stopped = server.stop(never());
    release.resolve();

    await expect(failed).resolves.toMatchObject({ status: 500, headers: { connection: 'close' } });
    await stopped;
  });

  it('a value that is not an Error is described as text', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the test is about
    const { base, logger } = await serveLogged(() => Promise.reject('plain reason'));

    expect((await get(`${base}/`, { agent: false })).status).toBe(500);
    expect(logger.messages('error')[0]).toBe(
      'HTTP server "api": handler failed on GET /: plain reason; answered 500',
    );
  });

  it('standalone (no kernel), the failure is a process warning with code KRATOS_HTTP_HANDLER_FAILED', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { base } = await serve({ handler: boom, name: 'solo' });

    const reply = await get(`${base}/x?y=1`, { agent: false });

    expect(reply.status).toBe(500);
    expect(warn).toHaveBeenCalledWith(
      'HTTP server "solo": handler failed on GET /x: kaboom: password=hunter2; answered 500',
      { code: HttpWarningCode.HandlerFailed },
    );
  });
});

describe('HttpServer with an Express 5 app whose routes fail', () => {
  afterEach(stopEvery);

  it('Express answers the errors itself (500 for a rejected async route), exactly as without HttpServer', async () => {
    const app = express();
    app.get('/async', async () => {
      await Promise.resolve();
      throw new Error('async route failed');
    });
    app.get('/sync', () => {
      throw new Error('sync route failed');
    });
    const { base, logger } = await serveLogged(app);

    const rejected = await get(`${base}/async`, { agent: false });
    const thrown = await get(`${base}/sync`, { agent: false });

    expect([rejected.status, rejected.headers['content-type']]).toEqual([500, 'text/html; charset=utf-8']);
    expect(thrown.status).toBe(500);
    expect(logger.messages('error')).toEqual([]); // Express handled them: HttpServer saw no failure
  });

  it("an Express error middleware still gets the route's error", async () => {
    const app = express();
    app.get('/async', async () => {
      await Promise.resolve();
      throw new Error('teapot');
    });
    app.use((error: Error, _req: IncomingMessage, res: ServerResponse, _next: () => void) => {
      res.statusCode = 418;
      res.end(`handled ${error.message}`);
    });
    const { base } = await serveLogged(app);

    const reply = await get(`${base}/async`, { agent: false });

    expect([reply.status, reply.body]).toEqual([418, 'handled teapot']);
  });
});
