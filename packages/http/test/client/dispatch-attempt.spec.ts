import { describe, expect, it } from '@jest/globals';
import type { Dispatcher } from 'undici';
import { dispatchAttempt } from '../../src/client/dispatch-attempt.js';
import { resolveHttpRequest } from '../../src/client/resolve-http-request.js';

type LegacyHandler = Required<
  Pick<Dispatcher.DispatchHandler, 'onConnect' | 'onHeaders' | 'onData' | 'onComplete' | 'onError'>
> & { onRequestSent(): void };

/** A dispatcher that hands the handler to the test, which plays undici's part. */
function fakeDispatcher(): { dispatcher: Dispatcher; handler: () => LegacyHandler; options: () => unknown } {
  let handler: LegacyHandler | undefined;
  let options: unknown;
  const dispatcher = {
    dispatch(opts: unknown, h: LegacyHandler) {
      options = opts;
      handler = h;
      return true;
    },
  } as unknown as Dispatcher;
  return { dispatcher, handler: () => handler!, options: () => options };
}

const get = resolveHttpRequest({ path: '/hello?name=Ada', headers: { 'x-a': '1' } }, 's');
const never = new AbortController().signal;
const raw = (headers: Record<string, string>): Buffer[] =>
  Object.entries(headers).flatMap(([name, value]) => [Buffer.from(name), Buffer.from(value)]);

describe('dispatchAttempt', () => {
  it('dispatches with undici timers off (the client deadline rules) and the legacy handler interface', () => {
    const fake = fakeDispatcher();
    void dispatchAttempt(fake.dispatcher, get, never);
    expect(fake.options()).toEqual({
      path: '/hello?name=Ada',
      method: 'GET',
      headers: { 'x-a': '1' },
      body: null,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    // Handlers with onRequestStart are wrapped by undici in an adapter that drops onRequestSent.
    expect('onRequestStart' in fake.handler()).toBe(false);
    expect(typeof fake.handler().onRequestSent).toBe('function');
  });

  it('reads a complete response, skipping 1xx', async () => {
    const fake = fakeDispatcher();
    const result = dispatchAttempt(fake.dispatcher, get, never);
    const h = fake.handler();
    h.onConnect(() => undefined);
    h.onRequestSent();
    h.onHeaders(103, raw({ link: '</a>' }), () => undefined, 'Early Hints');
    h.onHeaders(200, raw({ 'content-type': 'text/plain', 'Set-Cookie': 'a=1' }), () => undefined, 'OK');
    h.onData(Buffer.from('hel'));
    h.onData(Buffer.from('lo'));
    h.onComplete([]);
    expect(await result).toEqual({
      kind: 'response',
      statusCode: 200,
      headers: { 'content-type': 'text/plain', 'set-cookie': 'a=1' },
      body: Buffer.from('hello'),
    });
  });

  it('a failure before onConnect (connection refused) was not written', async () => {
    const fake = fakeDispatcher();
    const result = dispatchAttempt(fake.dispatcher, get, never);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    fake.handler().onError(refused);
    expect(await result).toEqual({ kind: 'failure', error: refused, written: false });
  });

  it('a failure after onConnect but before onRequestSent was not written; after it, was', async () => {
    const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const first = fakeDispatcher();
    const before = dispatchAttempt(first.dispatcher, get, never);
    first.handler().onConnect(() => undefined);
    first.handler().onError(closed);
    expect(await before).toMatchObject({ kind: 'failure', written: false });

    const second = fakeDispatcher();
    const after = dispatchAttempt(second.dispatcher, get, never);
    second.handler().onConnect(() => undefined);
    second.handler().onRequestSent();
    second.handler().onError(closed);
    expect(await after).toMatchObject({ kind: 'failure', error: closed, written: true });
  });

  it('an abort while queued settles at once, and aborts the request when a connection takes it', async () => {
    const fake = fakeDispatcher();
    const controller = new AbortController();
    const result = dispatchAttempt(fake.dispatcher, get, controller.signal);
    const reason = new Error('deadline');
    controller.abort(reason);
    expect(await result).toEqual({ kind: 'failure', error: reason, written: false });
    const aborts: unknown[] = [];
    fake.handler().onConnect((error) => aborts.push(error));
    expect(aborts).toEqual([reason]);
  });

  it('an abort in flight aborts the request through undici, and its onError does not override the outcome', async () => {
    const fake = fakeDispatcher();
    const controller = new AbortController();
    const result = dispatchAttempt(fake.dispatcher, get, controller.signal);
    const h = fake.handler();
    const aborts: unknown[] = [];
    h.onConnect((error) => {
      aborts.push(error);
      h.onError(new Error('undici: aborted'));
    });
    h.onRequestSent();
    controller.abort('not an Error');
    const outcome = await result;
    expect(outcome).toEqual({ kind: 'failure', error: 'not an Error', written: true });
    expect(aborts).toHaveLength(1);
    expect((aborts[0] as Error).cause).toBe('not an Error');
  });

  it('an already aborted signal dispatches nothing', async () => {
    const fake = fakeDispatcher();
    const result = await dispatchAttempt(fake.dispatcher, get, AbortSignal.abort('gone'));
    expect(result).toEqual({ kind: 'failure', error: 'gone', written: false });
    expect(fake.options()).toBeUndefined();
  });

  it('a content-length past maxResponseBytes is too large at the headers: the request is aborted unread', async () => {
    const fake = fakeDispatcher();
    const result = dispatchAttempt(fake.dispatcher, get, never, { maxResponseBytes: 10 });
    const h = fake.handler();
    const aborts: unknown[] = [];
    h.onConnect((error) => aborts.push(error));
    h.onRequestSent();
    expect(h.onHeaders(200, raw({ 'content-length': '11' }), () => undefined, 'OK')).toBe(false);
    expect(await result).toEqual({ kind: 'too-large', statusCode: 200, received: 11, declared: true });
    expect(aborts).toHaveLength(1);
  });

  it('a body that grows past maxResponseBytes is too large once it does: the request is aborted, nothing more is kept', async () => {
    const fake = fakeDispatcher();
    const result = dispatchAttempt(fake.dispatcher, get, never, { maxResponseBytes: 10 });
    const h = fake.handler();
    const aborts: unknown[] = [];
    h.onConnect((error) => aborts.push(error));
    h.onRequestSent();
    h.onHeaders(200, raw({}), () => undefined, 'OK');
    expect(h.onData(Buffer.alloc(6))).toBe(true);
    expect(h.onData(Buffer.alloc(6))).toBe(false);
    expect(await result).toEqual({ kind: 'too-large', statusCode: 200, received: 12, declared: false });
    expect(aborts).toHaveLength(1);
  });

  it('a body of exactly maxResponseBytes is read, in several chunks', async () => {
    const fake = fakeDispatcher();
    const result = dispatchAttempt(fake.dispatcher, get, never, { maxResponseBytes: 10 });
    const h = fake.handler();
    h.onConnect(() => undefined);
    h.onHeaders(200, raw({}), () => undefined, 'OK');
    h.onData(Buffer.from('01234'));
    h.onData(Buffer.from('56789'));
    h.onComplete([]);
    expect(await result).toMatchObject({ kind: 'response', body: Buffer.from('0123456789') });
  });

  describe('streamBody', () => {
    it('hands the body over at the headers, with backpressure: onData pauses undici when the stream is full, read() resumes it', async () => {
      const fake = fakeDispatcher();
      const result = dispatchAttempt(fake.dispatcher, get, never, { streamBody: () => true });
      const h = fake.handler();
      let resumed = 0;
      h.onConnect(() => undefined);
      h.onHeaders(200, raw({ 'content-type': 'text/plain' }), () => (resumed += 1), 'OK');
      const outcome = await result;
      if (outcome.kind !== 'stream') throw new Error(`expected a stream, got ${outcome.kind}`);
      expect(outcome.headers).toEqual({ 'content-type': 'text/plain' });
      // The default highWaterMark is 16 KiB: one 32 KiB chunk fills it.
      expect(h.onData(Buffer.alloc(32 * 1024))).toBe(false);
      const chunks: Buffer[] = [];
      outcome.body.on('data', (chunk: Buffer) => chunks.push(chunk));
      await new Promise((resolve) => setImmediate(resolve));
      expect(resumed).toBeGreaterThan(0);
      h.onComplete([]);
      await new Promise((resolve) => outcome.body.once('end', resolve));
      expect(Buffer.concat(chunks).length).toBe(32 * 1024);
    });

    it('a stop while the body streams destroys it with bodyError(reason) and aborts the request', async () => {
      const fake = fakeDispatcher();
      const controller = new AbortController();
      const bodyError = (cause: unknown): Error => new Error('stopped while streaming', { cause });
      const result = dispatchAttempt(fake.dispatcher, get, controller.signal, {
        streamBody: () => true,
        bodyError,
      });
      const h = fake.handler();
      const aborts: unknown[] = [];
      h.onConnect((error) => aborts.push(error));
      h.onHeaders(200, raw({}), () => undefined, 'OK');
      const outcome = await result;
      if (outcome.kind !== 'stream') throw new Error(`expected a stream, got ${outcome.kind}`);
      controller.abort('deadline');
      const error = await new Promise<Error>((resolve) => outcome.body.once('error', resolve));
      expect(error.message).toBe('stopped while streaming');
      expect(error.cause).toBe('deadline');
      expect(aborts).toHaveLength(1);
    });

    it('destroying the body before its end aborts the request (its connection is freed); after its end, does not', async () => {
      const fake = fakeDispatcher();
      const result = dispatchAttempt(fake.dispatcher, get, never, { streamBody: () => true });
      const h = fake.handler();
      const aborts: unknown[] = [];
      h.onConnect((error) => aborts.push(error));
      h.onHeaders(200, raw({}), () => undefined, 'OK');
      const outcome = await result;
      if (outcome.kind !== 'stream') throw new Error(`expected a stream, got ${outcome.kind}`);
      outcome.body.destroy();
      expect(aborts).toHaveLength(1);

      const done = fakeDispatcher();
      const second = dispatchAttempt(done.dispatcher, get, never, { streamBody: () => true });
      const h2 = done.handler();
      const aborts2: unknown[] = [];
      h2.onConnect((error) => aborts2.push(error));
      h2.onHeaders(200, raw({}), () => undefined, 'OK');
      const outcome2 = await second;
      if (outcome2.kind !== 'stream') throw new Error(`expected a stream, got ${outcome2.kind}`);
      h2.onComplete([]);
      outcome2.body.destroy();
      expect(aborts2).toHaveLength(0);
    });

    it('a status streamBody declines is read in full (a 503 that may be retried)', async () => {
      const fake = fakeDispatcher();
      const result = dispatchAttempt(fake.dispatcher, get, never, { streamBody: (status) => status !== 503 });
      const h = fake.handler();
      h.onConnect(() => undefined);
      h.onHeaders(503, raw({}), () => undefined, 'Service Unavailable');
      h.onData(Buffer.from('busy'));
      h.onComplete([]);
      expect(await result).toMatchObject({ kind: 'response', statusCode: 503, body: Buffer.from('busy') });
    });
  });
});
