import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { EtcdErrorCode, EtcdRegistry, type EtcdRegistryOptions } from '../../src/index.js';

function invalid(options: EtcdRegistryOptions): {
  code: string;
  message: string;
  errors: readonly unknown[];
} {
  try {
    new EtcdRegistry(options);
  } catch (error) {
    if (isKratosError(error)) return { code: error.code, message: error.message, errors: error.errors };
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
    expect(error.message).toMatch(/^EtcdRegistry has invalid options:\n {2}- /);
    expect(error.message).toContain('host "127.0.0.1:2379" is not "http://host:port"');
    expect(error.message).toContain('namespace "microservices/" must start with "/"');
    expect(error.errors).toHaveLength(2);
  });

  it.each<[string, unknown, string]>([
    ['a misspelt option', { hosts, tll: 15 }, 'unknown option "tll": remove it or check its spelling'],
    ['hosts that are not URLs', { hosts: 2379 }, 'hosts must be a URL or an array of URLs'],
    ['a host that is not a string', { hosts: [2379] }, 'host 2379 is not "http://host:port"'],
    [
      'a client that is not one',
      { client: {} },
      'client must be an etcd3 client with lease(), getAll() and watch(), got an object: pass new Etcd3(...)',
    ],
    ['a string ttl', { hosts, ttl: '15' }, 'ttl "15" is not a whole number of seconds'],
    ['a namespace that is not a string', { hosts, namespace: 7 }, 'namespace 7 must start with "/"'],
    [
      'a closeTimeout of 0',
      { hosts, closeTimeout: 0 },
      'closeTimeout must be a finite number of milliseconds > 0, got 0: leave it out for the default (3000)',
    ],
    [
      'an outageWarnAfter that is not a number',
      { hosts, outageWarnAfter: '5s' },
      'outageWarnAfter must be a finite number of milliseconds > 0, got "5s": leave it out for the default (5000)',
    ],
    [
      'a maxRequestBytes of 0',
      { hosts, maxRequestBytes: 0 },
      "maxRequestBytes must be a whole number of bytes >= 1, got 0: your etcd's --max-request-bytes",
    ],
    [
      'a fractional maxRequestBytes',
      { hosts, maxRequestBytes: 1.5 },
      'maxRequestBytes must be a whole number of bytes >= 1, got 1.5',
    ],
    [
      'a requestTimeout of 0',
      { hosts, requestTimeout: 0 },
      'requestTimeout must be a finite number of milliseconds > 0, got 0',
    ],
    [
      'auth that is not an object',
      { hosts, auth: 'root:secret' },
      "auth must be an object of etcd3's { username, password }",
    ],
    ['a misspelt backoff key', { hosts, backoff: { initail: 100 } }, 'unknown option "backoff.initail"'],
    [
      'a negative backoff.max',
      { hosts, backoff: { max: -1 } },
      'backoff.max must be a finite number of milliseconds >= 0',
    ],
    [
      'a jitter above 1',
      { hosts, backoff: { jitter: 2 } },
      'backoff.jitter must be a fraction from 0 to 1, got 2',
    ],
    ['a logger without methods', { hosts, logger: {} }, 'logger must be a Logger'],
    [
      'a scheduler without schedule()',
      { hosts, scheduler: { now: () => 0 } },
      'scheduler must be an RxJS SchedulerLike',
    ],
    ['options that are not an object', 'http://127.0.0.1:2379', 'the options must be an object'],
  ])('rejects %s, naming it and how to fix it', (_what, options, problem) => {
    const error = invalid(options as EtcdRegistryOptions);
    expect(error.code).toBe(EtcdErrorCode.InvalidOptions);
    expect(error.message).toMatch(/^EtcdRegistry has invalid options:\n {2}- /);
    expect(error.message).toContain(problem);
    expect(error.errors).toHaveLength(1);
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
