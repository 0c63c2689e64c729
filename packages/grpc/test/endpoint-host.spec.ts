import { describe, expect, it } from '@jest/globals';
import type { NetworkInterfaceInfo } from 'node:os';
import { grpcEndpoint } from '../src/grpc-endpoint.js';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null };
}

function ipv6(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: 'ffff::',
    family: 'IPv6',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: null,
    scopeid: 0,
  };
}

const machine = {
  lo: [ipv4('127.0.0.1', true), ipv6('::1', true)],
  eth0: [ipv6('fe80::1'), ipv4('10.0.0.5')],
  eth1: [ipv4('192.168.1.7')],
};

describe('grpcEndpoint', () => {
  it('is grpc://IP:PORT, grpcs:// with TLS, with the wildcard replaced', () => {
    expect(grpcEndpoint({ secure: false, host: '0.0.0.0', port: 9000, interfaces: machine })).toBe(
      'grpc://10.0.0.5:9000',
    );
    expect(grpcEndpoint({ secure: true, host: '::', port: 443, interfaces: {} })).toBe(
      'grpcs://127.0.0.1:443',
    );
    expect(grpcEndpoint({ secure: false, host: '::1', port: 1, interfaces: machine })).toBe('grpc://[::1]:1');
  });
});
