import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { EtcdErrorCode, EtcdRegistry, type EtcdRegistryOptions } from '../../src/index.js';

function invalid(options: EtcdRegistryOptions): { code: string; message: string } {
  try {
    new EtcdRegistry(options);
  } catch (error) {
    if (isKratosError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('the options were accepted');
}

const hosts = ['http://127.0.0.1:2379'];

describe('EtcdRegistry options', () => {
  it('rejects a TTL below 2 s, which etcd would silently raise', () => {
    for (const ttl of [0, 1, 1.5, -4]) {
      const error = invalid({ hosts, ttl });
      expect(error.code).toBe(EtcdErrorCode.InvalidOptions);
      expect(error.message).toContain(`ttl ${ttl}`);
      expect(error.message).toContain('Use ttl: 2 or more');
    }
  });

  it('rejects a fractional TTL: etcd counts whole seconds', () => {
    expect(invalid({ hosts, ttl: 2.5 }).message).toContain('ttl 2.5 is not a whole number');
  });

  it('requires hosts or a client, and says how to pass them', () => {
    const error = invalid({});
    expect(error.code).toBe(EtcdErrorCode.InvalidOptions);
    expect(error.message).toContain('hosts: ["http://127.0.0.1:2379"]');
  });

  it('rejects hosts without a scheme, and a namespace that is not "/name"', () => {
    const error = invalid({ hosts: ['127.0.0.1:2379'], namespace: 'microservices/' });
    expect(error.message).toContain('host "127.0.0.1:2379"');
    expect(error.message).toContain('namespace "microservices/"');
  });

  it('accepts the defaults and closes the client it created', async () => {
    const registry = new EtcdRegistry({ hosts });
    await registry.close();
    await expect(
      registry.register({ id: '1', name: 'greeter', version: '', metadata: {}, endpoints: [] }),
    ).rejects.toMatchObject({
      code: EtcdErrorCode.Closed,
    });
  });

  it('rejects an instance whose name or id cannot be one key segment', async () => {
    const registry = new EtcdRegistry({ hosts });
    await expect(
      registry.register({ id: 'a/b', name: '', version: '', metadata: {}, endpoints: [] }),
    ).rejects.toMatchObject({
      code: EtcdErrorCode.InvalidInstance,
      message: expect.stringContaining('its name "" is empty and its id "a/b" contains "/"'),
    });
    await registry.close();
  });
});
