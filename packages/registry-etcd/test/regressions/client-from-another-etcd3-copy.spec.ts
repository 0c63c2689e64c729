import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Etcd3 } from 'etcd3';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { EtcdErrorCode, EtcdRegistry } from '../../src/index.js';
import { foreignEtcd3, type ForeignEtcd3 } from '../support/foreign-etcd3.js';

// Issue 14 ("look for any other package that must share the user's copy"): an Etcd3 client from
// another copy of etcd3 than the registry's was accepted, and then its errors failed the
// registry's `instanceof` checks: an outage was not seen as one, a lost lease not recognised.
const ourFolder = realpathSync(dirname(createRequire(import.meta.url).resolve('etcd3/package.json')));
let foreign: ForeignEtcd3;
beforeAll(async () => {
  foreign = await foreignEtcd3();
});
afterAll(() => foreign?.remove());

describe('defect: an etcd3 client from another copy of etcd3 is accepted', () => {
  it('is refused with KRATOS_ETCD_INVALID_OPTIONS naming both copies and how to dedupe', () => {
    const client = new foreign.etcd3.Etcd3({ hosts: 'http://127.0.0.1:1' });
    let caught: unknown;
    try {
      new EtcdRegistry({ client });
    } catch (error) {
      caught = error;
    } finally {
      client.close();
    }
    expect((caught as { code?: string } | undefined)?.code).toBe(EtcdErrorCode.InvalidOptions);
    const message = (caught as Error).message;
    expect(message).toContain(ourFolder);
    expect(message).toMatch(/another copy of etcd3/);
    expect(message).toContain('npm ls etcd3');
  });

  it('a client of the same copy is accepted', async () => {
    const client = new Etcd3({ hosts: 'http://127.0.0.1:1' });
    const registry = new EtcdRegistry({ client });
    await registry.close();
    client.close();
    expect(registry).toBeInstanceOf(EtcdRegistry);
  });
});
