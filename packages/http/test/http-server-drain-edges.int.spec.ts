import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { fakeKernelView, recordingLogger } from '@kratos-ts/testing';
import type { HttpUpgradeHandler } from '../src/index.js';
import { deferred } from './support/deferred.js';
import { get, RawHttpClient, tcpConnect } from './support/http-client.js';
import { never, serve, stopEvery } from './support/serve.js';
import { loopbackCertificate } from './support/loopback-certificate.js';

/** A TCP (or TLS) client that records every byte it receives and when the server closes it. */
class RawSocket {
  received = Buffer.alloc(0);
  readonly closed: Promise<void>;
  #changed: (() => void) | undefined;

  constructor(readonly socket: Socket) {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.#changed?.();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Connects to 127.0.0.1:port over plain TCP. */
  static connect(port: number): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawSocket(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves once `predicate` holds for what was received; rejects if the socket closes first. */
  async until(predicate: (received: Buffer) => boolean): Promise<void> {
    while (!predicate(this.received)) {
      if (this.socket.destroyed)
        throw new Error(`closed after receiving ${JSON.stringify(String(this.received))}`);
      await new Promise<void>((resolve) => {
        this.#changed = resolve;
        this.socket.once('close', resolve);
      });
    }
  }
}

/** A stop signal for `stopTimeout` = 30 s: a stop that resolves with it unaborted was bounded by something else. */
function stopTimeout30s(): AbortSignal {
  return AbortSignal.timeout(30_000);
}

const PARTIAL_HEAD = 'GET /late HTTP/1.1\r\nHost: 127.0.0.1\r\n';

describe('HttpServer stop: connections without a complete request head', () => {
  afterEach(stopEvery);

  it('a partial request head (slowloris) is closed after partialRequestGrace, not held until stopTimeout', async () => {
    const { server, port } = await serve({ handler: (_req, res) => res.end('ok'), partialRequestGrace: 100 });
    const slowloris = await RawSocket.connect(port);
    slowloris.socket.write(PARTIAL_HEAD);
    const stopTimeout = stopTimeout30s();
    await server.stop(stopTimeout);
    await slowloris.closed;
    expect(stopTimeout.aborted).toBe(false);
    expect(slowloris.received.length).toBe(0);
    expect(server.phase).toBe('stopped');
  });

  it('a connection that sent nothing yet is closed after the grace too', async () => {
    const { server, port } = await serve({ handler: (_req, res) => res.end('ok'), partialRequestGrace: 100 });
    const silent = await RawSocket.connect(port);
    const stopTimeout = stopTimeout30s();
    await server.stop(stopTimeout);
    await silent.closed;
    expect(stopTimeout.aborted).toBe(false);
    expect(silent.received.length).toBe(0);
  });

  it('a keep-alive connection that began its next request is closed after the grace', async () => {
    const { server, port } = await serve({
      handler: (req, res) => res.end(req.url),
      partialRequestGrace: 100,
    });
    const client = await RawHttpClient.connect(port);
    client.send('/first');
    expect((await client.read()).headers.connection).toBe('keep-alive');
    client.socket.write(PARTIAL_HEAD);
    const stopTimeout = stopTimeout30s();
    await server.stop(stopTimeout);
    await client.closed;
    expect(stopTimeout.aborted).toBe(false);
  });

  it('a head completed within the grace is answered with Connection: close, after idle sockets were closed', async () => {
    const { server, port } = await serve({ handler: (req, res) => res.end(req.url) });
    const idle = await RawHttpClient.connect(port);
    idle.send('/idle');
    await idle.read();
    const late = await RawHttpClient.connect(port);
    late.socket.write(PARTIAL_HEAD);
    const stopTimeout = stopTimeout30s();
    const stop = server.stop(stopTimeout);
    // Idle keep-alive sockets close first (IDLE_CLOSE_GRACE_MS); the partial one is still open then.
    await idle.closed;
    expect(late.socket.destroyed).toBe(false);
    late.socket.write('\r\n');
    const reply = await late.read();
    expect([reply.status, reply.body, reply.headers.connection]).toEqual([200, '/late', 'close']);
    await Promise.all([late.closed, stop]);
    expect(stopTimeout.aborted).toBe(false);
  });

  it('a request whose head arrived is served even when it outlives the grace', async () => {
    const entered = deferred();
    const release = deferred();
    const { server, port, base } = await serve({
      handler: (_req, res) => {
        entered.resolve();
        void release.promise.then(() => res.end('slow'));
      },
      partialRequestGrace: 50,
    });
    const slowloris = await RawSocket.connect(port);
    slowloris.socket.write(PARTIAL_HEAD);
    const reply = get(`${base}/slow`, { agent: false });
    await entered.promise;
    const stopTimeout = stopTimeout30s();
    const stop = server.stop(stopTimeout);
    await slowloris.closed;
    release.resolve();
    const { status, body, headers } = await reply;
    expect([status, body, headers.connection]).toEqual([200, 'slow', 'close']);
    await stop;
    expect(stopTimeout.aborted).toBe(false);
  });

  describe('over TLS', () => {
    let key = '';
    let cert = '';
    beforeAll(async () => {
      ({ key, cert } = await loopbackCertificate());
    });

    it('a stalled handshake and a secured but silent connection are closed after the grace; an in-flight request is not', async () => {
      const entered = deferred();
      const release = deferred();
      const { server, port, base } = await serve({
        handler: (_req, res) => {
          entered.resolve();
          void release.promise.then(() => res.end('slow'));
        },
        tls: { key, cert },
        partialRequestGrace: 50,
      });
      const stalled = await RawSocket.connect(port);
      const silent = await new Promise<RawSocket>((resolve, reject) => {
        const socket = tlsConnect({ port, host: '127.0.0.1', ca: cert }, () =>
          resolve(new RawSocket(socket)),
        );
        socket.once('error', reject);
      });
      const reply = get(`${base}/slow`, { ca: cert, agent: false });
      await entered.promise;
      const stopTimeout = stopTimeout30s();
      const stop = server.stop(stopTimeout);
      await Promise.all([stalled.closed, silent.closed]);
      release.resolve();
      const { status, body, headers } = await reply;
      expect([status, body, headers.connection]).toEqual([200, 'slow', 'close']);
      await stop;
      expect(stopTimeout.aborted).toBe(false);
    });
  });
});

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** A server close frame with code 1001 (Going Away). */
const GOING_AWAY = Buffer.from([0x88, 0x02, 0x03, 0xe9]);
/** The client's answer: a masked close frame (mask 0) with code 1001. */
const CLIENT_CLOSE = Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe9]);

/** Just enough of a WebSocket server: the handshake, and the closing handshake. */
function chatApp(): { readonly onUpgrade: HttpUpgradeHandler; readonly upgraded: Duplex[] } {
  const upgraded: Duplex[] = [];
  const onUpgrade: HttpUpgradeHandler = (req, socket) => {
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key'] ?? ''}${WEBSOCKET_GUID}`)
      .digest('base64');
    socket.on('error', () => undefined);
    // The client's close frame answers ours: the closing handshake is over, close the TCP connection.
    socket.on('data', (data: Buffer) => {
      if (data[0] === 0x88) socket.end();
    });
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    upgraded.push(socket);
  };
  return { onUpgrade, upgraded };
}

/** Opens a WebSocket-like connection: resolves once the 101 is in. */
async function upgrade(port: number, path = '/chat'): Promise<RawSocket> {
  const client = await RawSocket.connect(port);
  client.socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await client.until((received) => received.includes('\r\n\r\n'));
  expect(String(client.received)).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
  return client;
}

describe('HttpServer stop: upgraded (WebSocket) connections', () => {
  afterEach(stopEvery);

  it('closeUpgraded is called with each socket once the listener closed; the stop resolves when they closed', async () => {
    const app = chatApp();
    const calls: { socket: Duplex; request: IncomingMessage; phase: string }[] = [];
    const { server, port } = await serve({
      handler: (_req, res) => res.end('ok'),
      onUpgrade: app.onUpgrade,
      closeUpgraded: (socket, request) => {
        calls.push({ socket, request, phase: server.phase });
        socket.write(GOING_AWAY);
      },
    });
    const clients = [await upgrade(port), await upgrade(port, '/news')];
    const stopTimeout = stopTimeout30s();
    let stopped = false;
    const stop = server.stop(stopTimeout).then(() => (stopped = true));
    expect(calls.map(({ request, phase }) => [request.url, phase])).toEqual([
      ['/chat', 'draining'],
      ['/news', 'draining'],
    ]);
    expect(calls.map(({ socket }) => socket)).toEqual(app.upgraded);
    expect(await tcpConnect(port)).toBe('ECONNREFUSED');
    // Both got the close frame; the stop waits for their answer.
    for (const client of clients) await client.until((received) => received.includes(GOING_AWAY));
    expect(stopped).toBe(false);
    clients[0]!.socket.write(CLIENT_CLOSE);
    await clients[0]!.closed;
    expect(stopped).toBe(false);
    clients[1]!.socket.write(CLIENT_CLOSE);
    await Promise.all([clients[1]!.closed, stop]);
    expect(stopTimeout.aborted).toBe(false);
  });

  it('an upgraded connection the application leaves open is destroyed at stopTimeout', async () => {
    const app = chatApp();
    const asked = deferred();
    const { server, port } = await serve({
      handler: (_req, res) => res.end('ok'),
      onUpgrade: app.onUpgrade,
      closeUpgraded: () => asked.resolve(),
    });
    const client = await upgrade(port);
    const stopTimeout = new AbortController();
    let stopped = false;
    const stop = server.stop(stopTimeout.signal).then(() => (stopped = true));
    await asked.promise;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([stopped, client.socket.destroyed]).toEqual([false, false]);
    stopTimeout.abort();
    await Promise.all([stop, client.closed]);
  });

  it('without closeUpgraded, the stop warns how many upgraded connections it holds until stopTimeout', async () => {
    const app = chatApp();
    const logger = recordingLogger();
    const { server, port } = await serve({ handler: (_req, res) => res.end('ok'), onUpgrade: app.onUpgrade });
    server.attachKernel(fakeKernelView({ logger }));
    const clients = [await upgrade(port), await upgrade(port)];
    const stopTimeout = new AbortController();
    const stop = server.stop(stopTimeout.signal);
    const warnings = logger.records.filter((r) => r.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual({ server: 'http', upgraded: 2, code: 'KRATOS_HTTP_UPGRADED_HELD' });
    expect(warnings[0]?.msg).toContain('holds 2 upgraded connection(s)');
    expect(warnings[0]?.msg).toContain('closeUpgraded');
    stopTimeout.abort();
    await Promise.all([stop, ...clients.map((client) => client.closed)]);
  });

  it('an upgrade request that arrives once the stop began is answered 503 with Connection: close', async () => {
    const app = chatApp();
    const { server, port } = await serve({ handler: (_req, res) => res.end('ok'), onUpgrade: app.onUpgrade });
    const late = await RawHttpClient.connect(port);
    late.socket.write(
      'GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n',
    );
    const stopTimeout = stopTimeout30s();
    const stop = server.stop(stopTimeout);
    late.socket.write('\r\n');
    const reply = await late.read();
    expect([reply.status, reply.headers.connection]).toEqual([503, 'close']);
    await Promise.all([late.closed, stop]);
    expect(app.upgraded).toEqual([]);
    expect(stopTimeout.aborted).toBe(false);
  });

  it('without onUpgrade, a request asking for an upgrade reaches the handler like any other (Node)', async () => {
    const { server, port } = await serve({ handler: (req, res) => res.end(req.headers.upgrade) });
    const client = await RawHttpClient.connect(port);
    client.socket.write(
      'GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    expect((await client.read()).body).toBe('websocket');
    await server.stop(never());
  });
});
