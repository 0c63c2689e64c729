import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { DiscoveryErrorCode, parseTarget } from '../src/index.js';

describe('parseTarget', () => {
  it.each([
    ['discovery:///greeter', 'greeter'],
    ['discovery:///helloworld.v1-api_2', 'helloworld.v1-api_2'],
  ])('reads %s as the discovery target of %s', (input, name) => {
    expect(parseTarget(input)).toEqual({ kind: 'discovery', name });
  });

  it.each([
    ['http://127.0.0.1:8000', 'http', '127.0.0.1', 8000],
    ['https://api.example.com:443', 'https', 'api.example.com', 443],
    ['HTTP://localhost:80', 'http', 'localhost', 80],
    ['http://10.0.0.5:8000/', 'http', '10.0.0.5', 8000],
    ['localhost:9000', undefined, 'localhost', 9000],
    ['[::1]:8000', undefined, '[::1]', 8000],
    ['http://[fe80::1]:65535', 'http', '[fe80::1]', 65_535],
  ])('reads %s as a static target (scheme %s, host %s, port %s)', (input, scheme, host, port) => {
    expect(parseTarget(input)).toEqual({ kind: 'static', scheme, host, port, address: `${host}:${port}` });
  });

  it.each([
    ['discovery://x', 'three slashes'],
    ['discovery:///', 'not a service name'],
    ['discovery:///a/b', 'not a service name'],
    ['ftp://a:1', 'scheme "ftp" is not supported'],
    ['grpc://a:1', 'scheme "grpc" is not supported'],
    ['host', 'needs a host and a port'],
    ['host:0', 'needs a host and a port'],
    ['host:70000', 'needs a host and a port'],
    ['http://host:8000/greet', 'no path'],
    ['', 'needs a host and a port'],
  ])('rejects %s with KRATOS_DISCOVERY_INVALID_TARGET naming the input (%s)', (input, why) => {
    let thrown: unknown;
    try {
      parseTarget(input);
    } catch (error) {
      thrown = error;
    }
    expect(isKratosError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: DiscoveryErrorCode.InvalidTarget });
    const message = (thrown as Error).message;
    expect(message).toContain(`"${input}"`);
    expect(message).toContain(why);
    expect(message).toContain('discovery:///<service name>');
  });
});
