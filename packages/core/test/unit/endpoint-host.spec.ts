import { describe, expect, it } from '@jest/globals';
import type { NetworkInterfaceInfo } from 'node:os';
import { endpointHost, type NetworkInterfaces } from '../../src/index.js';

function nic(address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo {
  const common = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv4' ? { ...common, family } : { ...common, family, scopeid: 0 };
}

const host: NetworkInterfaces = {
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  eth0: [nic('fe80::1', 'IPv6', false), nic('10.0.0.5', 'IPv4', false)],
  eth1: [nic('192.168.1.7', 'IPv4', false)],
};

describe('endpointHost', () => {
  it('turns 0.0.0.0 into the first non-internal IPv4 address', () => {
    expect(endpointHost('0.0.0.0', host)).toBe('10.0.0.5');
  });

  it('turns :: into the first non-internal IPv4 address too', () => {
    expect(endpointHost('::', host)).toBe('10.0.0.5');
    expect(endpointHost('[::]', host)).toBe('10.0.0.5');
  });

  it('falls back to 127.0.0.1 when there is no non-internal IPv4 address', () => {
    expect(
      endpointHost('0.0.0.0', { lo: host.lo, eth0: [nic('fe80::1', 'IPv6', false)], none: undefined }),
    ).toBe('127.0.0.1');
    expect(endpointHost('::', {})).toBe('127.0.0.1');
  });

  it('keeps a specific IPv4 address as it is', () => {
    expect(endpointHost('127.0.0.1', host)).toBe('127.0.0.1');
    expect(endpointHost('192.168.1.7', host)).toBe('192.168.1.7');
  });

  it('puts brackets around a specific IPv6 address', () => {
    expect(endpointHost('::1', host)).toBe('[::1]');
    expect(endpointHost('fe80::1', host)).toBe('[fe80::1]');
    expect(endpointHost('[::1]', host)).toBe('[::1]');
  });
});
