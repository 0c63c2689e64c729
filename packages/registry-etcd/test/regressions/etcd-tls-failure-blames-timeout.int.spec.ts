import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { EtcdErrorCode, EtcdRegistry } from '../../src/index.js';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';
import { startTlsEtcd, testCa, type TlsEtcd } from '../support/tls-etcd.js';

// Defect, against a real etcd: a TLS failure (a plaintext etcd called over https, an etcd whose
// certificate the given CA did not sign) was KRATOS_ETCD_QUERY_FAILED / UNAVAILABLE "… raise
// requestTimeout", not naming TLS.

let etcd: EtcdProcess;
let tlsEtcd: TlsEtcd | undefined;
let ca: Buffer;

beforeAll(async () => {
  etcd = await startEtcd();
  ca = Buffer.from((await testCa('kratos-ts test CA')).cert);
  // An etcd serving TLS with a certificate of its own CA, which the test's `ca` did not sign.
  const etcdCa = await testCa('etcd CA');
  tlsEtcd = await startTlsEtcd({ server: await etcdCa.issue('127.0.0.1', 'server'), ca: etcdCa.cert });
}, 30_000);

afterAll(async () => {
  await etcd?.dispose();
  await tlsEtcd?.dispose();
});

async function queryError(registry: EtcdRegistry): Promise<unknown> {
  try {
    await registry.getService('greeter');
  } catch (error) {
    return error;
  } finally {
    await registry.close();
  }
  return undefined;
}

describe('an etcd TLS failure against a real etcd', () => {
  it('is KRATOS_ETCD_TLS_FAILED naming the TLS cause and the host, with no advice about timeouts', async () => {
    const hosts = etcd.url.replace('http://', 'https://');
    const registry = new EtcdRegistry({ hosts, credentials: { rootCertificate: ca }, requestTimeout: 2_000 });
    let caught: unknown;
    try {
      await registry.getService('greeter');
    } catch (error) {
      caught = error;
    } finally {
      await registry.close();
    }
    expect(isKratosError(caught) && caught.code).toBe(EtcdErrorCode.Tls);
    const message = (caught as Error).message;
    expect(message).toContain('TLS handshake failed');
    expect(message).toContain(hosts);
    expect(message).not.toMatch(/timeout/i);
  }, 20_000);

  it("names the TLS cause when the CA given did not sign etcd's certificate", async () => {
    const hosts = tlsEtcd?.url ?? '';
    const caught = await queryError(
      new EtcdRegistry({ hosts, credentials: { rootCertificate: ca }, requestTimeout: 2_000 }),
    );
    expect(isKratosError(caught) && caught.code).toBe(EtcdErrorCode.Tls);
    const message = (caught as Error).message;
    expect(message).toContain('TLS handshake failed');
    expect(message).toContain(hosts);
    expect(message).not.toMatch(/timeout/i);
  }, 20_000);
});
