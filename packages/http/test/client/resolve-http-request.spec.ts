import { describe, expect, it } from '@jest/globals';
import { isKratosError, type KratosError } from '@kratos-ts/core';
import type { HttpRequestOptions } from '../../src/client.js';
import { resolveHttpRequest } from '../../src/client/resolve-http-request.js';

function invalid(options: unknown): KratosError {
  try {
    resolveHttpRequest(options as HttpRequestOptions, 'greeter');
  } catch (error) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('request options', () => {
  it('defaults to GET with no header and no body; names the request without its query string', () => {
    const request = resolveHttpRequest({ path: '/hello?token=secret' }, 'greeter');
    expect(request).toMatchObject({
      method: 'GET',
      path: '/hello?token=secret',
      label: 'GET /hello',
      headers: {},
    });
    expect(request.body).toBeUndefined();
  });

  it('upper-cases the common methods, as fetch does, and keeps other tokens as given', () => {
    expect(resolveHttpRequest({ method: 'post', path: '/' }, 's').method).toBe('POST');
    expect(resolveHttpRequest({ method: 'Delete', path: '/' }, 's').method).toBe('DELETE');
    expect(resolveHttpRequest({ method: 'PURGE', path: '/' }, 's').method).toBe('PURGE');
    expect(resolveHttpRequest({ method: 'mkcol', path: '/' }, 's').method).toBe('mkcol');
  });

  it('takes a string or bytes as body, and header arrays', () => {
    const request = resolveHttpRequest(
      { method: 'POST', path: '/', body: 'hé', headers: { 'x-a': ['1', '2'], 'x-b': undefined } },
      's',
    );
    expect(request.body).toEqual(Buffer.from('hé'));
    expect(request.headers).toEqual({ 'x-a': ['1', '2'] });
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    expect(resolveHttpRequest({ path: '/', body: bytes }, 's').body).toEqual(Buffer.from([2, 3]));
  });

  it.each<[string, unknown, string]>([
    ['a path without a leading slash', { path: 'hello' }, `path must start with '/'`],
    ['a path with a space', { path: '/a b' }, 'got "/a b"'],
    ['a path with a fragment', { path: '/a#b' }, `without spaces or '#'`],
    ['a path with non-ASCII', { path: '/é' }, 'percent-encode the rest'],
    ['no path', {}, 'path must start with'],
    [
      'a method that is not a token',
      { method: 'GET /', path: '/' },
      `method must be an HTTP method such as 'GET'`,
    ],
    ['an empty method', { method: '', path: '/' }, 'method must be an HTTP method'],
    ['CONNECT', { method: 'connect', path: '/' }, 'method CONNECT is not supported'],
    ['an unknown option', { path: '/', timeout: 5 }, 'unknown request option "timeout"'],
    [
      'a bad header name',
      { path: '/', headers: { 'x a': '1' } },
      'header name "x a" is not a valid HTTP token',
    ],
    [
      'a header value with CRLF',
      { path: '/', headers: { 'x-a': 'a\r\nb: c' } },
      'header "x-a" must be a string',
    ],
    ['a numeric header value', { path: '/', headers: { 'x-a': 1 } }, 'header "x-a" must be a string'],
    ['headers as an array', { path: '/', headers: [['x-a', '1']] }, 'headers must be an object'],
    ['an object body', { path: '/', body: { a: 1 } }, 'body must be a string or a Uint8Array'],
    ['a signal that is not one', { path: '/', signal: 'stop' }, 'signal must be an AbortSignal'],
    ['options that are not an object', 'GET /', 'request options must be an object'],
  ])('rejects %s with KRATOS_HTTP_CLIENT_INVALID_OPTIONS naming it', (_, options, problem) => {
    const error = invalid(options);
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_INVALID_OPTIONS');
    expect(error.message).toMatch(/^Request .+ to "greeter" has invalid options:\n {2}- /);
    expect(error.message).toContain(problem);
  });

  it('names the request by its parts, bad ones quoted, and lists each problem once', () => {
    const error = invalid({ method: 'GET /', path: '/a b', colour: 'red' });
    expect(error.message.split('\n')[0]).toBe('Request "GET /" "/a b" to "greeter" has invalid options:');
    expect(error.errors).toHaveLength(3);
    expect(invalid({ method: 'post', path: '/orders?id=1', body: {} }).message).toMatch(
      /^Request POST \/orders to "greeter" has invalid options:\n {2}- body must be/,
    );
  });
});
