import { describe, expect, it } from '@jest/globals';
import { bindFailureHint } from '../src/bind-failure-hint.js';

// The messages are grpc-js 1.14's, as `bindAsync` reports them.
describe('bindFailureHint', () => {
  it.each([
    [
      'a port in use',
      'No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 127.0.0.1:9000]',
      /^If the port is in use, stop the process that holds it or choose another port \(GrpcServerOptions\.port; 0 lets the OS choose\)\.$/,
    ],
    [
      'a privileged port',
      'No address added out of total 1 resolved errors: [listen EACCES: permission denied 0.0.0.0:80]',
      /^Ports below 1024 need privileges/,
    ],
    [
      'an address not on this host',
      'No address added out of total 1 resolved errors: [listen EADDRNOTAVAIL: address not available 192.0.2.1]',
      /^If the address is not on this host, use "0\.0\.0\.0"/,
    ],
    [
      'a host that does not resolve',
      'Name resolution failed for target dns:nohost.invalid:0',
      /^If the address is not on this host/,
    ],
    [
      'nothing bound, cause unknown',
      'No address added out of total 2 resolved errors: [something else]',
      /^If the port is in use, .*; if the address is not on this host, .*\.$/,
    ],
  ])('says what to do about %s', (_case, message, hint) => {
    expect(bindFailureHint(new Error(message))).toMatch(hint);
  });

  it('reads the error code too', () => {
    expect(bindFailureHint(Object.assign(new Error('listen failed'), { code: 'EADDRINUSE' }))).toMatch(
      /choose another port/,
    );
  });

  it.each([
    ['credentials of another grpc-js', new TypeError('creds must be a ServerCredentials object')],
    [
      'a bad port number',
      Object.assign(new RangeError('options.port should be >= 0 and < 65536'), {
        code: 'ERR_SOCKET_BAD_PORT',
      }),
    ],
    ['a value that is no error', 'oops'],
    [
      'an unreadable error',
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('no');
          },
        },
      ),
    ],
  ])('gives no hint for what is not a bind failure: %s', (_case, cause) => {
    expect(bindFailureHint(cause)).toBeUndefined();
  });
});
