import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { once } from 'node:events';
import { connect } from 'node:net';
import { fakeKernelView, recordingLogger } from '@kratos-ts/testing';
import { HttpServer, type HttpHandler } from '../../src/index.js';
import { deferred, type Deferred } from '../support/deferred.js';
import { get } from '../support/http-client.js';
import { never } from '../support/serve.js';

// Regression: a client that aborted an upload made the handler reading the body fail ("aborted"),
// and each such request wrote one error-level "handler failed" line: any client could flood the
// error log, which then no longer meant server faults.

const running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop(AbortSignal.abort())));
  jest.restoreAllMocks();
});

/** Where an upload handler is: its first body chunk arrived (`reading`), it has finished (`settled`). */
interface Upload {
  reading: Deferred;
  settled: Deferred;
}

/**
 * An async handler that reads the whole body, then answers its size; `/fail` fails at once, as a
 * server fault would (the client still connected).
 */
function uploadHandler(upload: Upload): HttpHandler {
  return async (req, res) => {
    if (req.url === '/fail') throw new Error('database down');
    try {
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        upload.reading.resolve();
      }
      res.end(`got ${size}`);
    } finally {
      upload.settled.resolve();
    }
  };
}

/** Starts an `HttpServer` named "api" on 127.0.0.1:0. */
async function start(handler: HttpHandler, logger?: ReturnType<typeof recordingLogger>) {
  const server = new HttpServer({ handler, host: '127.0.0.1', port: 0, name: 'api' });
  if (logger) server.attachKernel(fakeKernelView({ logger }));
  await server.start(never());
  running.push(server);
  return { server, port: Number(new URL(server.endpoint()).port) };
}

/**
 * Sends the head and the first 10 bytes of a 1000-byte POST, waits until the handler reads them,
 * then closes the connection (a reset, or a FIN with `how: 'end'`) and waits until the handler
 * has failed and the guard has heard of it.
 */
async function abortUpload(port: number, path: string, upload: Upload, how: 'reset' | 'end'): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n0123456789`);
  await upload.reading.promise;
  if (how === 'reset') socket.resetAndDestroy();
  else socket.end();
  await upload.settled.promise;
  await new Promise((resolve) => setImmediate(resolve)); // the rejection reaches the guard
  upload.reading = deferred();
  upload.settled = deferred();
}

describe('a client that goes away is not a handler failure (real sockets on 127.0.0.1)', () => {
  it('uploads aborted mid-body log no error, one debug line each naming method and path; a real failure still logs at error', async () => {
    const upload: Upload = { reading: deferred(), settled: deferred() };
    const logger = recordingLogger();
    const { server, port } = await start(uploadHandler(upload), logger);

    await abortUpload(port, '/upload?token=abc', upload, 'reset');
    await abortUpload(port, '/upload', upload, 'end');
    await abortUpload(port, '/upload', upload, 'reset');
    const failed = await get(`http://127.0.0.1:${port}/fail`, { agent: false });

    expect(failed.status).toBe(500);
    expect(logger.messages('error')).toEqual([
      'HTTP server "api": handler failed on GET /fail: database down; answered 500',
    ]);
    const gone = logger.records.filter((r) => r.level === 'debug');
    expect(gone.map((r) => r.msg)).toEqual(
      Array.from(
        { length: 3 },
        () => 'HTTP server "api": the client went away during POST /upload (ECONNRESET)',
      ),
    );
    expect(gone[0]?.fields).toEqual({
      err: expect.objectContaining({ code: 'ECONNRESET' }),
      method: 'POST',
      path: '/upload',
      server: 'api',
    });
    expect(server.abandonedRequests).toBe(3);
  });

  it('standalone (no kernel): an aborted upload is counted, not a process warning; a real failure still warns', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const upload: Upload = { reading: deferred(), settled: deferred() };
    const { server, port } = await start(uploadHandler(upload));

    await abortUpload(port, '/upload', upload, 'reset');
    expect(warn).not.toHaveBeenCalled();
    await get(`http://127.0.0.1:${port}/fail`, { agent: false });

    expect(server.abandonedRequests).toBe(1);
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      'HTTP server "api": handler failed on GET /fail: database down; answered 500',
    ]);
  });
});
