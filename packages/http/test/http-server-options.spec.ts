import { describe, expect, it } from '@jest/globals';
import { Hono } from 'hono';
import Koa from 'koa';
import { isKratosError, type KratosError } from '@kratos-ts/core';
import { HTTP_SERVER_DEFAULTS, HttpServer, type HttpServerOptions } from '../src/index.js';

const handler = (): void => undefined;

function invalid(options: unknown): KratosError {
  try {
    new HttpServer(options as HttpServerOptions);
  } catch (error) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('the options were accepted');
}

describe('HttpServer options', () => {
  it('needs only a handler; defaults are port 8000, host 0.0.0.0, name http, /livez and /readyz', () => {
    const server = new HttpServer({ handler });
    expect(server.name).toBe('http');
    expect(server.phase).toBe('idle');
    expect(HTTP_SERVER_DEFAULTS).toMatchObject({
      port: 8000,
      host: '0.0.0.0',
      livePath: '/livez',
      readyPath: '/readyz',
      keepAliveTimeout: 65_000,
    });
  });

  it('rejects every problem at once with KRATOS_HTTP_INVALID_OPTIONS, naming the server', () => {
    const error = invalid({
      name: 'api',
      handler: 'not a function',
      port: 70_000,
      host: '',
      keepAliveTimout: 1,
      requestTimeout: -1,
      health: { livePath: 'livez', readyPath: '/readyz' },
    });
    expect(error.code).toBe('KRATOS_HTTP_INVALID_OPTIONS');
    expect(error.message).toMatch(/^HttpServer "api" has invalid options:\n {2}- /);
    expect(error.message).toContain('handler must be a (req, res) listener');
    expect(error.message).toContain('port must be a whole number from 0 to 65535');
    expect(error.message).toContain('host must be a non-empty address');
    expect(error.message).toContain('unknown option "keepAliveTimout"');
    expect(error.message).toContain('requestTimeout must be a finite number');
    expect(error.message).toContain('health.livePath must be a path');
    expect(error.errors).toHaveLength(6);
  });

  it('a framework app that needs one call to become a listener is refused with that call (Koa, Hono)', () => {
    expect(invalid({ handler: new Koa() }).message).toContain(
      'it looks like a Koa app; give its app.callback()',
    );
    expect(invalid({ handler: new Hono() }).message).toContain(
      'give getRequestListener(app.fetch) from @hono/node-server',
    );
  });

  it('takes an object with routing, ready and close (a Fastify instance) as its handler', () => {
    const app = { routing: handler, ready: () => Promise.resolve(), close: () => Promise.resolve() };
    expect(new HttpServer({ handler: app }).phase).toBe('idle');
    expect(invalid({ handler: { routing: handler, ready: 'yes' } }).message).toContain(
      'or a Fastify instance',
    );
  });

  it('rejects a headersTimeout longer than requestTimeout, and twice the same probe path', () => {
    const error = invalid({
      handler,
      headersTimeout: 10_000,
      requestTimeout: 5_000,
      health: { livePath: '/health', readyPath: '/health' },
    });
    expect(error.message).toContain('headersTimeout (10000) must not exceed requestTimeout (5000)');
    expect(error.message).toContain('give each its own path');
  });

  it('partialRequestGrace defaults to 1000 ms and must be a finite number of milliseconds >= 0', () => {
    expect(HTTP_SERVER_DEFAULTS.partialRequestGrace).toBe(1_000);
    expect(() => new HttpServer({ handler, partialRequestGrace: 0 })).not.toThrow();
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1s']) {
      const error = invalid({ handler, partialRequestGrace: value });
      expect(error.code).toBe('KRATOS_HTTP_INVALID_OPTIONS');
      expect(error.message).toContain('partialRequestGrace must be a finite number of milliseconds >= 0');
    }
  });

  it('onUpgrade and closeUpgraded must be functions, and closeUpgraded needs onUpgrade', () => {
    const error = invalid({ handler, onUpgrade: 'ws', closeUpgraded: {} });
    expect(error.code).toBe('KRATOS_HTTP_INVALID_OPTIONS');
    expect(error.message).toContain('onUpgrade must be a (req, socket, head) listener');
    expect(error.message).toContain('closeUpgraded must be a (socket, request) function');
    expect(error.errors).toHaveLength(2);
    expect(invalid({ handler, closeUpgraded: () => undefined }).message).toContain(
      'closeUpgraded needs onUpgrade',
    );
    expect(
      () => new HttpServer({ handler, onUpgrade: () => undefined, closeUpgraded: async () => undefined }),
    ).not.toThrow();
    expect(() => new HttpServer({ handler, onUpgrade: () => undefined })).not.toThrow();
  });

  it('rejects options that are not an object', () => {
    expect(invalid(undefined).message).toContain('options must be an object');
  });

  it('names the server "HttpServer" alone when its name is not one', () => {
    const error = invalid({ handler, name: 42 });
    expect(error.message).toBe(
      "HttpServer has invalid options:\n  - name must be a non-empty string such as 'api' (default 'http'), got 42",
    );
  });

  it('accepts health: false and a zero timeout (disabled, as in Node)', () => {
    expect(
      () => new HttpServer({ handler, health: false, requestTimeout: 0, headersTimeout: 0 }),
    ).not.toThrow();
  });
});
