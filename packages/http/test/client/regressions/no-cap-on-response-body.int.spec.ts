import { afterEach, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { isKratosError, type KratosError } from '@kratos-ts/core';
import {
  createHttpClient,
  HTTP_CLIENT_DEFAULTS,
  type HttpClient,
  type HttpClientOptions,
} from '../../../src/client.js';
import { closeEvery, startNode, type TestNode } from '../support/test-nodes.js';

// Issue 9: the client read any response body whole into memory, however large: a 1 GiB body took
// the process past 1 GiB and the deadline with it. Now a body is capped at maxResponseBytes (the
// response is aborted past it, with a coded error), the deadline holds whatever the body, and a
// large body can be taken as a stream.

const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await closeEvery();
});

function clientOf(node: TestNode, options: Partial<HttpClientOptions> = {}): HttpClient {
  const client = createHttpClient({ target: node.endpoint, retry: false, ...options });
  clients.push(client);
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<KratosError> {
  try {
    await promise;
  } catch (error) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('it succeeded');
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * A handler that offers `offered` bytes (no content-length unless `declare`), writing as fast as
 * the client reads (it waits for 'drain'), and records in `written` how many bytes the socket
 * actually took when the response ends or its connection closes.
 */
function offering(offered: number, declare = false) {
  const seen = { written: 0, closed: Promise.resolve() };
  const handler = (_req: unknown, res: ServerResponse): void => {
    if (declare) res.setHeader('content-length', offered);
    const socket = res.socket!;
    const startBytes = socket.bytesWritten;
    seen.closed = new Promise<void>((resolve) =>
      res.once('close', () => {
        seen.written = socket.bytesWritten - startBytes;
        resolve();
      }),
    );
    let left = offered;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        left -= CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  };
  return { seen, handler };
}

/** A handler that sends 1 KiB every 20 ms, forever (until the connection closes). */
function tricklingForever(_req: unknown, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const timer = setInterval(() => res.write(Buffer.alloc(1024, 'y')), 20);
  res.once('close', () => clearInterval(timer));
}

async function readAll(body: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Buffer).length;
  return bytes;
}

describe('regression: no cap on a response body (real sockets, 127.0.0.1)', () => {
  it('the default maxResponseBytes is documented, in the tens of MiB', () => {
    expect(HTTP_CLIENT_DEFAULTS.maxResponseBytes).toBe(32 * 1024 * 1024);
  });

  it('a body past maxResponseBytes aborts the response with KRATOS_HTTP_CLIENT_RESPONSE_TOO_LARGE naming service, node and limit; the client stops reading', async () => {
    const offered = 64 * 1024 * 1024;
    const { seen, handler } = offering(offered);
    const node = await startNode('big', handler);
    const client = clientOf(node, { maxResponseBytes: 64 * 1024 });
    const error = await rejection(client.request({ path: '/big?secret=1' }));
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_RESPONSE_TOO_LARGE');
    expect(error.message).toContain(`"${client.service}"`);
    expect(error.message).toContain(node.endpoint);
    expect(error.message).toContain('maxResponseBytes (65536 bytes)');
    expect(error.message).toContain('GET /big');
    expect(error.message).not.toContain('secret');
    await seen.closed;
    // What loopback socket buffers hold, at most: far below the 64 MiB offered.
    expect(seen.written).toBeLessThan(16 * 1024 * 1024);
  });

  it('a content-length past maxResponseBytes is refused at the headers, before the body is read', async () => {
    const offered = 64 * 1024 * 1024;
    const { seen, handler } = offering(offered, true);
    const node = await startNode('declared', handler);
    const client = clientOf(node, { maxResponseBytes: 1024 });
    const error = await rejection(client.request({ path: '/declared' }));
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_RESPONSE_TOO_LARGE');
    expect(error.message).toContain(`content-length ${offered}`);
    await seen.closed;
    expect(seen.written).toBeLessThan(16 * 1024 * 1024);
  });

  it('a body up to maxResponseBytes is returned whole, and the connection is kept for the next requests', async () => {
    const { handler } = offering(4 * CHUNK.length);
    const node = await startNode('fits', handler);
    const client = clientOf(node, { maxResponseBytes: 4 * CHUNK.length });
    for (let i = 0; i < 5; i += 1) {
      expect((await client.request({ path: `/${i}` })).body.length).toBe(4 * CHUNK.length);
    }
    // Kept alive: 5 requests, one connection (undici may open one more while it checks an idle one).
    expect(node.connections.accepted).toBeLessThanOrEqual(2);
  });

  it('a server that sends slowly forever: the deadline holds', async () => {
    const node = await startNode('trickle', tricklingForever);
    const client = clientOf(node, { timeout: 300 });
    const started = performance.now();
    const error = await rejection(client.request({ path: '/trickle' }));
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('maxResponseBytes is checked: a non-integer or a value < 1 is KRATOS_HTTP_CLIENT_INVALID_OPTIONS', () => {
    for (const maxResponseBytes of [0, -1, 1.5, Number.NaN, '1mb']) {
      let error: unknown;
      try {
        createHttpClient({ target: 'http://127.0.0.1:1', maxResponseBytes: maxResponseBytes as number });
      } catch (thrown) {
        error = thrown;
      }
      expect(isKratosError(error) && error.code).toBe('KRATOS_HTTP_CLIENT_INVALID_OPTIONS');
      expect((error as Error).message).toContain('maxResponseBytes must be a whole number of bytes >= 1');
    }
  });

  describe('stream(): a large body as a stream', () => {
    it('streams a body past maxResponseBytes in full, with backpressure, and reuses the connection', async () => {
      const offered = 8 * 1024 * 1024;
      const { handler } = offering(offered);
      const node = await startNode('stream', handler);
      const client = clientOf(node, { maxResponseBytes: 1024 });
      const res = await client.stream({ path: '/stream' });
      expect([res.statusCode, res.node]).toEqual([200, node.endpoint]);
      expect(await readAll(res.body)).toBe(offered);
      for (let i = 0; i < 4; i += 1) {
        const again = await client.stream({ path: `/again/${i}` });
        expect(await readAll(again.body)).toBe(offered);
      }
      // A body read to its end frees its connection for the next request.
      expect(node.connections.accepted).toBeLessThanOrEqual(2);
    });

    it('destroying the body aborts the response: the server sees the connection close, and the pool serves the next request', async () => {
      const offered = 64 * 1024 * 1024;
      const { seen, handler } = offering(offered);
      const node = await startNode('cancel', handler);
      const client = clientOf(node);
      const res = await client.stream({ path: '/cancel' });
      const first = (await res.body[Symbol.asyncIterator]().next()) as IteratorResult<Buffer>;
      expect(first.done).toBe(false);
      res.body.destroy();
      await seen.closed;
      expect(seen.written).toBeLessThan(16 * 1024 * 1024);
      const next = await client.stream({ path: '/next' });
      expect(next.statusCode).toBe(200);
      next.body.destroy();
    });

    it('the deadline still applies while the body is read: the body fails with KRATOS_HTTP_CLIENT_TIMEOUT', async () => {
      const node = await startNode('slow-stream', tricklingForever);
      const client = clientOf(node, { timeout: 300 });
      const res = await client.stream({ path: '/slow' });
      expect(res.statusCode).toBe(200);
      const error = await rejection(readAll(res.body));
      expect(error.code).toBe('KRATOS_HTTP_CLIENT_TIMEOUT');
      expect(error.message).toContain('GET /slow');
    });

    it('close(signal) that aborts destroys a body being streamed: it fails with KRATOS_HTTP_CLIENT_CLOSED', async () => {
      const node = await startNode('close-stream', tricklingForever);
      const client = clientOf(node);
      const res = await client.stream({ path: '/closing' });
      const reading = rejection(readAll(res.body));
      await client.close(AbortSignal.abort());
      const error = await reading;
      expect(error.code).toBe('KRATOS_HTTP_CLIENT_CLOSED');
      expect(error.message).toContain('GET /closing');
    });

    it("the caller's signal still applies while the body is read: KRATOS_HTTP_CLIENT_ABORTED", async () => {
      const node = await startNode('abort-stream', tricklingForever);
      const client = clientOf(node);
      const controller = new AbortController();
      const res = await client.stream({ path: '/abort', signal: controller.signal });
      setTimeout(() => controller.abort(new Error('user left')), 50);
      const error = await rejection(readAll(res.body));
      expect(error.code).toBe('KRATOS_HTTP_CLIENT_ABORTED');
    });
  });
});
