import { describe, expect, it, jest } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { guardHandler, type HandlerFailureListener } from '../src/guard-handler.js';
import { handlerFailureMessage, requestPath } from '../src/handler-failure-message.js';

const req = {} as IncomingMessage;
const res = {} as ServerResponse;

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

    for (const value of [undefined, null, 42, res, { then: 'not a function' }]) returning(value)(req, res);

    expect(onFailure).not.toHaveBeenCalled();
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
