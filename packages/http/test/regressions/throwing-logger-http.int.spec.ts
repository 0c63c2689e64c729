import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@kratos-ts/core';
import { fakeKernelView } from '@kratos-ts/testing';
import { connect } from 'node:net';
import { once } from 'node:events';
import { HttpServer, type HttpServerOptions } from '../../src/index.js';
import { get, tcpConnect } from '../support/http-client.js';
import { never } from '../support/serve.js';

// Regression: the server logged through the kernel's logger as it was, so a logger that throws
// (a broken destination, a serializer failing on a field) broke what was logging: a failed
// handler's request became an uncaught exception, and a stop that logged never finished.

/** A logger every method of which throws, counting the calls. */
function throwingLogger(): Logger & { calls: number } {
  const logger = {
    calls: 0,
    debug: fail,
    info: fail,
    warn: fail,
    error: fail,
  };
  function fail(): never {
    logger.calls += 1;
    throw new Error('log destination is broken');
  }
  return logger;
}

const running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop(AbortSignal.abort())));
});

async function serveWith(logger: Logger, options: Partial<HttpServerOptions>) {
  const server = new HttpServer({
    handler: (_req, res) => res.end('hello'),
    host: '127.0.0.1',
    port: 0,
    ...options,
  });
  server.attachKernel(fakeKernelView({ logger }));
  await server.start(never());
  running.push(server);
  return { server, port: Number(new URL(server.endpoint()).port) };
}

describe('a logger that throws never breaks the HTTP server (real sockets on 127.0.0.1)', () => {
  it('handlers that throw and reject are still answered 500, and the next request is served', async () => {
    const logger = throwingLogger();
    const { port } = await serveWith(logger, {
      handler: async (req, res) => {
        if (req.url === '/throw') throw new Error('sync');
        if (req.url === '/reject') await Promise.reject(new Error('async'));
        res.end('hello');
      },
    });
    const base = `http://127.0.0.1:${port}`;

    const thrown = await get(`${base}/throw`, { agent: false });
    const rejected = await get(`${base}/reject`, { agent: false });
    const hello = await get(`${base}/hello`, { agent: false });

    expect([thrown.status, rejected.status, hello.status]).toEqual([500, 500, 200]);
    expect(logger.calls).toBe(2);
  });

  it('a synchronous handler throw is answered 500 and the server keeps serving', async () => {
    const logger = throwingLogger();
    const { port } = await serveWith(logger, {
      handler: (req, res) => {
        if (req.url === '/throw') throw new Error('sync');
        res.end('hello');
      },
    });
    const base = `http://127.0.0.1:${port}`;

    const thrown = await get(`${base}/throw`, { agent: false });
    const hello = await get(`${base}/hello`, { agent: false });

    expect([thrown.status, hello.status]).toEqual([500, 200]);
    expect(logger.calls).toBe(1);
  });

  it('stop drains and resolves although the line it logs throws', async () => {
    const logger = throwingLogger();
    const { server, port } = await serveWith(logger, {});

    await server.stop(never());

    expect(server.phase).toBe('stopped');
    expect(await tcpConnect(port)).toBe('ECONNREFUSED');
    expect(logger.calls).toBeGreaterThan(0);
  });

  it('a stop holding an upgraded connection, and an onUpgrade that throws: the stop still ends at stopTimeout', async () => {
    const logger = throwingLogger();
    const { server, port } = await serveWith(logger, {
      onUpgrade: (req, socket) => {
        if (req.url === '/broken') throw new Error('upgrade failed');
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      },
    });
    const ask = async (path: string) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      );
      return socket;
    };
    const broken = await ask('/broken');
    await once(broken, 'close');
    const held = await ask('/chat');
    await once(held, 'data');

    const stopTimeout = new AbortController();
    const stop = server.stop(stopTimeout.signal);
    stopTimeout.abort();
    await stop;

    expect(server.phase).toBe('stopped');
    await once(held, 'close');
    expect(logger.calls).toBeGreaterThanOrEqual(3); // the upgrade failure, the listener closed, the held connection
  });
});
