import { describe, expect, it } from '@jest/globals';
import { InMemoryRegistry, isKratosError, type KratosError } from '@kratos-ts/core';
import { p2c, version } from '@kratos-ts/discovery';
import {
  createHttpClient,
  HTTP_CLIENT_DEFAULTS,
  HttpClientErrorCode,
  type HttpClientOptions,
} from '../../src/client.js';

const discovery = new InMemoryRegistry();

function invalid(options: unknown): KratosError {
  try {
    createHttpClient(options as HttpClientOptions);
  } catch (error) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('the options were accepted');
}

describe('createHttpClient options', () => {
  it('defaults: a 10 s deadline, 2 retries and a 32 MiB cap on a read body', () => {
    expect(HTTP_CLIENT_DEFAULTS).toEqual({
      timeout: 10_000,
      retry: { max: 2 },
      maxResponseBytes: 32 * 1024 * 1024,
    });
    expect(Object.isFrozen(HTTP_CLIENT_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(HTTP_CLIENT_DEFAULTS.retry)).toBe(true);
  });

  it('accepts every option', async () => {
    const client = createHttpClient({
      target: 'discovery:///greeter',
      discovery,
      selector: p2c(),
      filters: [version('1.0.0')],
      timeout: 500,
      retry: { max: 0 },
      emptyGrace: 0,
      // tls with secure: false is refused now (it meant plaintext): see regressions/tls-client-calls-plaintext.
      secure: true,
      tls: { rejectUnauthorized: true },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(client.service).toBe('greeter');
    await client.close();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown option', { timout: 5 }, 'unknown option "timout": remove it or check its spelling'],
    ['a negative timeout', { timeout: -1 }, 'timeout must be a finite number of milliseconds > 0'],
    ['a zero timeout', { timeout: 0 }, 'timeout must be a finite number of milliseconds > 0'],
    ['an infinite timeout', { timeout: Infinity }, 'got Infinity'],
    ['a NaN timeout', { timeout: NaN }, 'got NaN'],
    ['a timeout beyond what a timer can wait', { timeout: 2 ** 31 }, '<= 2147483647'],
    ['a string timeout', { timeout: '100' }, 'got "100"'],
    [
      'retry: true',
      { retry: true },
      'retry must be { max } (retries after the first attempt), or false for none, got true',
    ],
    ['a negative retry.max', { retry: { max: -1 } }, 'retry.max must be a whole number >= 0, got -1'],
    ['a fractional retry.max', { retry: { max: 1.5 } }, 'retry.max must be a whole number >= 0, got 1.5'],
    [
      'an unknown retry key',
      { retry: { max: 1, backoff: 10 } },
      'unknown option "retry.backoff": remove it or check its spelling (known: max)',
    ],
    ['a selector without pick', { selector: {} }, 'selector must be a Selector such as p2c()'],
    ['filters that are not functions', { filters: ['1.0.0'] }, 'filters must be an array of node filters'],
    ['a negative emptyGrace', { emptyGrace: -5 }, 'emptyGrace must be a finite number of milliseconds >= 0'],
    ['a non-boolean secure', { secure: 'yes' }, 'secure must be true or false, got "yes"'],
    ['non-object tls', { tls: 'ca.pem' }, 'tls must be node:tls connection options'],
    ['a logger without debug', { logger: console.log }, 'logger must be a Logger'],
    ['a scheduler without schedule', { scheduler: {} }, 'scheduler must be an RxJS SchedulerLike'],
  ])('rejects %s with KRATOS_HTTP_CLIENT_INVALID_OPTIONS naming it', (_, extra, problem) => {
    const error = invalid({ target: 'discovery:///greeter', discovery, ...extra });
    expect(error.code).toBe(HttpClientErrorCode.InvalidOptions);
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_INVALID_OPTIONS');
    expect(error.message).toContain('HTTP client of "discovery:///greeter" has invalid options:\n  - ');
    expect(error.message).toContain(problem);
    expect(error.errors).toHaveLength(1);
  });

  it('reports every problem at once', () => {
    const error = invalid({ target: 'discovery:///greeter', timeout: -1, retry: 'twice', colour: 'red' });
    expect(error.errors).toHaveLength(4);
    expect(error.message).toContain('needs a discovery: pass the registry the service registers in');
    expect(error.message).toContain('timeout must be');
    expect(error.message).toContain('retry must be');
    expect(error.message).toContain('unknown option "colour"');
  });

  it('needs a discovery for a discovery:/// target, and a real one', () => {
    expect(invalid({ target: 'discovery:///greeter' }).message).toContain(
      `target "discovery:///greeter" needs a discovery`,
    );
    expect(invalid({ target: 'discovery:///greeter', discovery: {} }).message).toContain(
      'discovery must be a ServiceDiscovery with getService() and watch(), got an object',
    );
  });

  it("a malformed target is one problem, listed with parseTarget's message, its KRATOS_DISCOVERY_INVALID_TARGET the cause", () => {
    const error = invalid({ target: 'discovery://greeter', discovery });
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_INVALID_OPTIONS');
    expect(error.message).toContain('Invalid target "discovery://greeter"');
    expect(error.message).toContain('Use "discovery:///<service name>"');
    expect((error.cause as KratosError).code).toBe('KRATOS_DISCOVERY_INVALID_TARGET');
    expect((error.errors[0] as Error).message).toBe((error.cause as Error).message);

    const twoProblems = invalid({ target: 'discovery://greeter', discovery, timeout: -1 });
    expect(twoProblems.errors).toHaveLength(2);
    expect((twoProblems.cause as KratosError).code).toBe('KRATOS_DISCOVERY_INVALID_TARGET');
    expect(invalid({ target: 42 }).message).toMatch(
      /^HTTP client has invalid options:\n {2}- target must be/,
    );

    expect(invalid({ target: 'grpc://127.0.0.1:9000' }).message).toContain(
      'the scheme "grpc" is not supported',
    );
    expect(invalid({ target: 'http://127.0.0.1:8000/api' }).message).toContain('no path');
    expect(invalid({ target: 42 }).message).toContain('target must be a string');
    expect(invalid({}).message).toContain('target must be a string');
    expect(invalid(undefined).message).toContain('options must be an object');
  });

  it('rejects secure contradicting the scheme of a fixed target', () => {
    expect(invalid({ target: 'http://127.0.0.1:8000', secure: true }).message).toContain(
      "secure: true contradicts the target's http:// scheme",
    );
    expect(invalid({ target: 'https://127.0.0.1:8443', secure: false }).message).toContain(
      "secure: false contradicts the target's https:// scheme",
    );
  });
});

describe('targets', () => {
  it.each([
    ['http://127.0.0.1:8000', {}, 'http://127.0.0.1:8000', '127.0.0.1:8000'],
    ['127.0.0.1:8000', {}, 'http://127.0.0.1:8000', '127.0.0.1:8000'],
    ['127.0.0.1:8443', { secure: true }, 'https://127.0.0.1:8443', '127.0.0.1:8443'],
    ['https://localhost:8443', {}, 'https://localhost:8443', 'localhost:8443'],
    ['HTTP://LOCALHOST:8000/', {}, 'http://localhost:8000', 'LOCALHOST:8000'],
    ['http://[::1]:8000', {}, 'http://[::1]:8000', '[::1]:8000'],
  ])('a fixed target %s %j is the one node %s', async (target, extra, endpoint, service) => {
    const client = createHttpClient({ target, ...extra });
    expect(client.nodes()).toEqual([endpoint]);
    expect(client.service).toBe(service);
    await client.close();
    expect(client.nodes()).toEqual([]);
  });

  it('a discovery target is named by its service and has no node before the registry lists one', async () => {
    const registry = new InMemoryRegistry();
    const client = createHttpClient({ target: 'discovery:///greeter', discovery: registry });
    expect(client.service).toBe('greeter');
    expect(client.nodes()).toEqual([]);
    await registry.register({
      id: 'a',
      name: 'greeter',
      version: '1',
      metadata: {},
      endpoints: ['http://127.0.0.1:8001', 'https://127.0.0.1:8443', 'grpc://127.0.0.1:9000'],
    });
    expect(client.nodes()).toEqual(['http://127.0.0.1:8001']);
    const secure = createHttpClient({ target: 'discovery:///greeter', discovery: registry, secure: true });
    expect(secure.nodes()).toEqual(['https://127.0.0.1:8443']);
    await Promise.all([client.close(), secure.close()]);
  });
});
