import { afterEach, describe, expect, it } from '@jest/globals';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { deferred } from './support/deferred.js';
import { get, RawHttpClient, tcpConnect } from './support/http-client.js';
import { never, serve, stopEvery } from './support/serve.js';

describe('HttpServer stop: drain over real sockets', () => {
  afterEach(stopEvery);

  it('a slow in-flight request started before stop completes with 200 and Connection: close', async () => {
    const entered = deferred();
    const release = deferred();
    const { server, base } = await serve({
      handler: (_req, res) => {
        entered.resolve();
        void release.promise.then(() => res.end('done'));
      },
    });
    const agent = new Agent({ keepAlive: true });
    const reply = get(`${base}/slow`, { agent });
    await entered.promise;
    let stopped = false;
    const stop = server.stop(never()).then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release.resolve();
    const { status, headers, body } = await reply;
    expect([status, body, headers.connection]).toEqual([200, 'done', 'close']);
    await stop;
    expect(server.phase).toBe('stopped');
    agent.destroy();
  });

  it('idle keep-alive sockets are closed at once: stop resolves in milliseconds with keepAliveTimeout = 60 s', async () => {
    const { server, port } = await serve({ handler: (_req, res) => res.end('ok'), keepAliveTimeout: 60_000 });
    const clients = await Promise.all(Array.from({ length: 8 }, () => RawHttpClient.connect(port)));
    for (const client of clients) {
      client.send('/');
      expect((await client.read()).headers.connection).toBe('keep-alive');
    }
    const startedAt = performance.now();
    await server.stop(never());
    expect(performance.now() - startedAt).toBeLessThan(250);
    await Promise.all(clients.map((client) => client.closed));
    expect(clients.every((client) => client.socket.destroyed || client.socket.readableEnded)).toBe(true);
  });

  it('after stop begins, new connections are refused while in-flight requests still finish', async () => {
    const entered = deferred();
    const release = deferred();
    const { server, port, base } = await serve({
      handler: (_req, res) => {
        entered.resolve();
        void release.promise.then(() => res.end('late'));
      },
    });
    const reply = get(`${base}/slow`, { agent: false });
    await entered.promise;
    const stop = server.stop(never());
    expect(server.phase).toBe('draining');
    expect(await tcpConnect(port)).toBe('ECONNREFUSED');
    release.resolve();
    expect((await reply).body).toBe('late');
    await stop;
    expect(await tcpConnect(port)).toBe('ECONNREFUSED');
  });

  it('a request that outlives stopTimeout is cut when the signal aborts; stop still resolves', async () => {
    const entered = deferred();
    const { server, base } = await serve({ handler: () => entered.resolve() });
    const outcome = get(`${base}/hang`, { agent: false }).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await entered.promise;
    const stopTimeout = new AbortController();
    const startedAt = performance.now();
    const stop = server.stop(stopTimeout.signal);
    setTimeout(() => stopTimeout.abort(), 100);
    await stop;
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(600);
    expect(await outcome).toBe('ECONNRESET');
    expect(server.phase).toBe('stopped');
  });

  it('a second stop() shares the first, and its signal finishes both forcibly', async () => {
    const entered = deferred();
    const { server, base } = await serve({ handler: () => entered.resolve() });
    const outcome = get(`${base}/hang`, { agent: false }).catch((error: NodeJS.ErrnoException) => error.code);
    await entered.promise;
    const first = server.stop(never());
    const forced = new AbortController();
    const second = server.stop(forced.signal);
    forced.abort();
    await Promise.all([first, second]);
    expect(await outcome).toBe('ECONNRESET');
    expect(server.phase).toBe('stopped');
  });

  it('a stop whose signal is already aborted destroys every socket at once', async () => {
    const entered = deferred();
    const { server, base } = await serve({ handler: () => entered.resolve() });
    const outcome = get(`${base}/hang`, { agent: false }).catch((error: NodeJS.ErrnoException) => error.code);
    await entered.promise;
    await server.stop(AbortSignal.abort());
    expect(await outcome).toBe('ECONNRESET');
  });

  it('a request already written on an idle keep-alive socket when stop begins is answered, not reset', async () => {
    const { server, port } = await serve({ handler: (req, res) => res.end(req.url) });
    const client = await RawHttpClient.connect(port);
    client.send('/first');
    expect((await client.read()).body).toBe('/first');
    client.send('/second');
    const stop = server.stop(never());
    const reply = await client.read();
    expect([reply.status, reply.body, reply.headers.connection]).toEqual([200, '/second', 'close']);
    await stop;
    await client.closed;
  });

  it('a response whose headers went out before stop finishes, then its keep-alive socket is closed', async () => {
    const entered = deferred();
    const release = deferred();
    const { server, port } = await serve({
      handler: (_req, res) => {
        res.writeHead(200, { 'content-length': 10 });
        res.write('first ');
        entered.resolve();
        void release.promise.then(() => res.end('last'));
      },
      keepAliveTimeout: 60_000,
    });
    const client = await RawHttpClient.connect(port);
    client.send('/stream');
    await entered.promise;
    const stop = server.stop(never());
    release.resolve();
    const reply = await client.read();
    expect([reply.status, reply.body, reply.headers.connection]).toEqual([200, 'first last', 'keep-alive']);
    const startedAt = performance.now();
    await Promise.all([client.closed, stop]);
    expect(performance.now() - startedAt).toBeLessThan(250);
  });

  it('stop on a server that never started resolves at once; a stopped server starts again', async () => {
    const { server } = await serve({ handler: (_req, res) => res.end('again') });
    await server.stop(never());
    await server.stop(never());
    await server.start(never());
    expect(server.phase).toBe('listening');
    expect((await get(`${server.endpoint()}/`, { agent: false })).body).toBe('again');
    await server.stop(never());
  });

  it('stop during start gives up the start: start rejects with an AbortError and nothing listens', async () => {
    const { HttpServer } = await import('../src/index.js');
    const server = new HttpServer({ handler: () => undefined, host: '127.0.0.1', port: 0 });
    const start = server.start(never());
    const stop = server.stop(never());
    await expect(start).rejects.toMatchObject({ name: 'AbortError' });
    await stop;
    expect(server.phase).toBe('idle');
    expect(() => server.endpoint()).toThrow(expect.objectContaining({ code: 'KRATOS_HTTP_NOT_LISTENING' }));
  });
});
