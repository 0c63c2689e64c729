import { describe, expect, it } from '@jest/globals';
import { bracketHost, hostPort } from '../../src/endpoints/host-port.js';

describe('hostPort', () => {
  it('brackets IPv6 literals only, once', () => {
    expect(hostPort('10.0.0.5', 9000)).toBe('10.0.0.5:9000');
    expect(hostPort('localhost', 80)).toBe('localhost:80');
    expect(hostPort('::1', 9000)).toBe('[::1]:9000');
    expect(hostPort('[::]', 0)).toBe('[::]:0');
    expect(bracketHost('fe80::1')).toBe('[fe80::1]');
    expect(bracketHost('[fe80::1]')).toBe('[fe80::1]');
  });
});
