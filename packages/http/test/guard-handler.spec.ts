import { describe, expect, it, jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { guardHandler, type HandlerFailureListener } from '../src/guard-handler.js';
import { handlerFailureMessage, requestPath } from '../src/handler-failure-message.js';

const req = {} as IncomingMessage;
/** A response as far as the guard uses one: an emitter that knows its request. */
function fakeResponse(): ServerResponse & { destroyed: boolean } {
  const fake = Object.assign(new EventEmitter(), {
    req,
    destroyed: false,
    destroy(): void {
      fake.destroyed = true;
    },
  });
  return fake as unknown as ServerResponse & { destroyed: boolean };
}
const res = fakeResponse();

describe('guardHandler', () => {
  it('calls the handler with req and res and reports nothing when it returns', () => {
    const handler = jest.fn<(req: IncomingMessage, res: ServerResponse) => void>();
    const onFailure = jest.fn<HandlerFailureListener>();

    guardHandler(handler, onFailure)(req, res);

    expect(handler).toHaveBeenCalledWith(req, res);
    expect(onFailure).not.toHaveBeenCalled();
  });

  it('reports a synchronous throw with its req and res', () => {
    const error = new Error('sync');
    const onFailure = jest.fn<HandlerFailureListener>();

    guardHandler(() => {
      throw error;
    }, onFailure)(req, res);

    expect(onFailure).toHaveBeenCalledWith(error, req, res);
  });

  it('reports the rejection of a returned promise, and nothing when it fulfils', async () => {
    const onFailure = jest.fn<HandlerFailureListener>();

    guardHandler(() => Promise.reject(new Error('async')), onFailure)(req, res);
    guardHandler(() => Promise.resolve(), onFailure)(req, res);
    await new Promise((resolve) => setImmediate(resolve));

    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledWith(new Error('async'), req, res);
  });

  it('ignores a return value that is not a thenable (an Express app returns undefined; a response; a number)', () => {
    const onFailure = jest.fn<HandlerFailureListener>();
    const returning = (value: unknown) => guardHandler(() => value, onFailure);

    for (const value of [undefined, null, 42, res, { then: 'not a function' }])
      returning(value)(req, fakeResponse());

    expect(onFailure).not.toHaveBeenCalled();
  });

  it('reports an error the response emits (a write after end()) with its req and res, unless another listener has it', () => {
    const onFailure = jest.fn<HandlerFailureListener>();
    const alone = fakeResponse();
    const listened = fakeResponse();
    const guarded = guardHandler(() => undefined, onFailure);
    guarded(req, alone);
    guarded(req, listened);
    listened.on('error', () => undefined);
    const error = Object.assign(new Error('write after end'), { code: 'ERR_STREAM_WRITE_AFTER_END' });

    alone.emit('error', error);
    listened.emit('error', error);

    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledWith(error, req, alone);
  });

  it('never throws nor leaves a rejection unhandled: when reporting throws, the response is destroyed', async () => {
    const onFailure = jest.fn<HandlerFailureListener>(() => {
      throw new Error('the report failed');
    });
    const thrown = fakeResponse();
    const rejected = fakeResponse();
    const emitted = fakeResponse();
    const brokenThen = fakeResponse();

    expect(() =>
      guardHandler(() => {
        throw Object.create(null);
      }, onFailure)(req, thrown),
    ).not.toThrow();
    guardHandler(() => Promise.reject(Object.create(null) as Error), onFailure)(req, rejected);
    guardHandler(() => undefined, onFailure)(req, emitted);
    expect(() => emitted.emit('error', new Error('write after end'))).not.toThrow();
    const thenable = {
      get then(): never {
        throw new Error('a then getter that throws');
      },
    };
    expect(() =>
      guardHandler(() => thenable as unknown as Promise<void>, onFailure)(req, brokenThen),
    ).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));

    expect(onFailure).toHaveBeenCalledTimes(4);
    expect([thrown, rejected, emitted, brokenThen].map((r) => r.destroyed)).toEqual([true, true, true, true]);
  });
});

describe('requestPath', () => {
  it.each<[string | undefined, string]>([
    ['/users/7', '/users/7'],
    ['/users/7?token=secret&x=1', '/users/7'],
    ['/?', '/'],
    ['*', '*'],
    ['', ''],
    [undefined, ''],
  ])('%p → %p', (url, path) => {
    expect(requestPath(url)).toBe(path);
  });
});

describe('handlerFailureMessage', () => {
  it('names the server, method and path, describes the error, and says what became of the response', () => {
    expect(handlerFailureMessage('api', 'POST', '/orders', new Error('db down'), 'answered')).toBe(
      'HTTP server "api": handler failed on POST /orders: db down; answered 500',
    );
    expect(handlerFailureMessage('api', 'GET', '/f', new TypeError(''), 'destroyed')).toBe(
      'HTTP server "api": handler failed on GET /f: TypeError; its headers were already sent, so the response was cut (socket destroyed)',
    );
    expect(handlerFailureMessage('api', 'GET', '/f', 'a string', 'ended')).toBe(
      'HTTP server "api": handler failed on GET /f: a string; the response had already ended',
    );
    expect(handlerFailureMessage('api', 'GET', '/f', undefined, 'closed')).toBe(
      'HTTP server "api": handler failed on GET /f: undefined; the connection was already closed',
    );
  });
});
