import { afterEach, describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deferred, type Deferred } from '../support/deferred.js';
import { RawHttpClient, type Reply } from '../support/http-client.js';
import { never, serve, stopEvery } from '../support/serve.js';

// Regression: four pipelined requests, a stop while the first was in flight: all four answered
// `Connection: keep-alive`, then the socket closed, so a client reusing it saw a reset. Only the
// socket's latest response was told about the drain.

/** Every response the server sends on `client` until it closes the socket. */
async function readUntilClosed(client: RawHttpClient): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (;;) {
    try {
      replies.push(await client.read());
    } catch {
      return replies;
    }
  }
}

/** `count` pipelined GETs `/1` … `/count` in one write, in `version` (default HTTP/1.1). */
function pipeline(client: RawHttpClient, count: number, version = 'HTTP/1.1', extra = ''): void {
  const one = (n: number): string => `GET /${n} ${version}\r\nHost: 127.0.0.1\r\n${extra}\r\n`;
  client.socket.write(Array.from({ length: count }, (_, i) => one(i + 1)).join(''));
}

/**
 * A handler that answers `answer <path>` (with a Content-Length, so that an HTTP/1.0 response may be
 * keep-alive) and holds the requests whose path is in `held` until the test releases them.
 */
function holding(
  held: Map<string, Deferred>,
  entered: () => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    entered();
    const answer = (): void => {
      const body = `answer ${req.url}`;
      res.setHeader('content-length', Buffer.byteLength(body));
      res.end(body);
    };
    const release = held.get(req.url ?? '');
    if (release) void release.promise.then(answer);
    else answer();
  };
}

afterEach(stopEvery);

describe('pipelined requests when a drain begins (real socket on 127.0.0.1)', () => {
  it('the first in flight, the three behind it already answered: it says Connection: close, then the socket closes; no response says keep-alive', async () => {
    const slow = deferred();
    const allIn = deferred();
    let entered = 0;
    const { server, port } = await serve({
      handler: holding(new Map([['/1', slow]]), () => ++entered === 4 && allIn.resolve()),
    });
    const client = await RawHttpClient.connect(port);
    pipeline(client, 4);
    await allIn.promise; // /1 is in flight, /2 … /4 are answered and queued behind it
    const stop = server.stop(never());
    slow.resolve();
    const replies = await readUntilClosed(client);
    await stop;

    expect(replies.map((r) => [r.body, r.headers.connection])).toEqual([['answer /1', 'close']]);
    await expect(client.closed).resolves.toBeDefined();
  });

  it('all four in flight: the first says Connection: close and the socket closes after it (the others are not answered, as HTTP/1.1 requires)', async () => {
    const held = new Map(['/1', '/2', '/3', '/4'].map((path) => [path, deferred()]));
    const allIn = deferred();
    let entered = 0;
    const { server, port } = await serve({
      handler: holding(held, () => ++entered === 4 && allIn.resolve()),
    });
    const client = await RawHttpClient.connect(port);
    pipeline(client, 4);
    await allIn.promise;
    const stop = server.stop(never());
    for (const release of held.values()) release.resolve();
    const replies = await readUntilClosed(client);
    await stop;

    expect(replies.map((r) => [r.body, r.headers.connection])).toEqual([['answer /1', 'close']]);
  });

  it('the first already sending its body when the drain begins: it ends as it began (keep-alive), the next one says close', async () => {
    const held = new Map(['/2', '/3'].map((path) => [path, deferred()]));
    const streaming = deferred();
    const headed = deferred();
    let entered = 0;
    const allIn = deferred();
    const { server, port } = await serve({
      handler: (req, res) => {
        if (++entered === 3) allIn.resolve();
        if (req.url === '/1') {
          res.writeHead(200, { 'content-length': 9 });
          res.write('answer ', () => headed.resolve());
          void streaming.promise.then(() => res.end('/1'));
          return;
        }
        holding(held, () => undefined)(req, res);
      },
    });
    const client = await RawHttpClient.connect(port);
    pipeline(client, 3);
    await Promise.all([allIn.promise, headed.promise]);
    const stop = server.stop(never());
    streaming.resolve();
    for (const release of held.values()) release.resolve();
    const replies = await readUntilClosed(client);
    await stop;

    expect(replies.map((r) => [r.body, r.headers.connection])).toEqual([
      ['answer /1', 'keep-alive'],
      ['answer /2', 'close'],
    ]);
  });

  it('HTTP/1.0 keep-alive requests pipelined: the one in flight says Connection: close', async () => {
    const held = new Map(['/1', '/2'].map((path) => [path, deferred()]));
    const allIn = deferred();
    let entered = 0;
    const { server, port } = await serve({
      handler: holding(held, () => ++entered === 2 && allIn.resolve()),
    });
    const client = await RawHttpClient.connect(port);
    pipeline(client, 2, 'HTTP/1.0', 'Connection: keep-alive\r\n');
    await allIn.promise;
    const stop = server.stop(never());
    for (const release of held.values()) release.resolve();
    const replies = await readUntilClosed(client);
    await stop;

    expect(replies.map((r) => [r.body, r.headers.connection])).toEqual([['answer /1', 'close']]);
  });
});
