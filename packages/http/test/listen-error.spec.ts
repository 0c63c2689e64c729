import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { HttpErrorCode } from '../src/index.js';
import { listenError } from '../src/listen-error.js';

function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`listen ${code}: 10.0.0.5:80`), { code, syscall: 'listen' });
}

describe('listenError', () => {
  it('EADDRINUSE: KRATOS_HTTP_ADDRESS_IN_USE naming server, host and port, and how to fix it', () => {
    const cause = systemError('EADDRINUSE');
    const error = listenError('api', '10.0.0.5', 8000, cause);
    expect(isKratosError(error)).toBe(true);
    expect(error.code).toBe(HttpErrorCode.AddressInUse);
    expect(error.message).toContain('HTTP server "api" cannot listen on 10.0.0.5:8000');
    expect(error.message).toContain('port 0 lets the OS choose');
    expect(error.cause).toBe(cause);
  });

  it('EACCES: KRATOS_HTTP_PERMISSION_DENIED naming host and port', () => {
    const error = listenError('http', '0.0.0.0', 80, systemError('EACCES'));
    expect(error.code).toBe('KRATOS_HTTP_PERMISSION_DENIED');
    expect(error.message).toContain('0.0.0.0:80');
    expect(error.message).toContain('CAP_NET_BIND_SERVICE');
  });

  it('any other failure: KRATOS_HTTP_LISTEN_FAILED with the system code, IPv6 hosts in brackets', () => {
    const error = listenError('http', '2001:db8::1', 8000, systemError('EADDRNOTAVAIL'));
    expect(error.code).toBe('KRATOS_HTTP_LISTEN_FAILED');
    expect(error.message).toContain('[2001:db8::1]:8000');
    expect(error.message).toContain('(EADDRNOTAVAIL)');
  });
});
