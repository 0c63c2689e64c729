import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import type { ServiceInstance } from '@kratos-ts/core';
import { isKratosError } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { EtcdErrorCode, EtcdRegistry, type EtcdRegistryOptions } from '../../src/index.js';
import { startTlsEtcd, testCa, type Pems, type TestCa, type TlsEtcd } from '../support/tls-etcd.js';

// Issue 17 proof: a real etcd serving TLS and requiring client certificates (`--client-cert-auth`):
// registration, watch and deregistration with the right certificate; a coded error naming TLS with
// no certificate, with one another CA signed, or with the wrong CA for etcd; and no private key in
// any message, log line or `inspect` of the registry.
let ca: TestCa;
let client: Pems;
let rogueClient: Pems;
let rogueCa: TestCa;
let etcd: TlsEtcd | undefined;

beforeAll(async () => {
  ca = await testCa('kratos-ts test CA');
  rogueCa = await testCa('someone else');
  client = await ca.issue('greeter', 'client');
  rogueClient = await rogueCa.issue('greeter', 'client');
  etcd = await startTlsEtcd({
    server: await ca.issue('127.0.0.1', 'server'),
    ca: ca.cert,
    clientCertAuth: { trustedCa: ca.cert, client },
  });
}, 30_000);

afterAll(async () => {
  await etcd?.dispose();
});

const instance: ServiceInstance = {
  id: 'mtls-1',
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
};
const keyLines = (pems: Pems): string[] => pems.key.split('\n').filter((line) => line.length > 40);

function credentials(rootCertificate: string, certificate?: Pems): EtcdRegistryOptions['credentials'] {
  return {
    rootCertificate: Buffer.from(rootCertificate),
    ...(certificate
      ? { privateKey: Buffer.from(certificate.key), certChain: Buffer.from(certificate.cert) }
      : {}),
  };
}

describe('an etcd with TLS and client-certificate auth', () => {
  it('the right client certificate: register, watch, deregister', async () => {
    const logger = recordingLogger();
    const registry = new EtcdRegistry({
      hosts: etcd?.url ?? '',
      credentials: credentials(ca.cert, client),
      ttl: 5,
      logger,
    });
    const watcher = new EtcdRegistry({ hosts: etcd?.url ?? '', credentials: credentials(ca.cert, client) });
    try {
      const seen = firstValueFrom(
        watcher.watch('greeter').pipe(filter((list) => list.some((each) => each.id === instance.id))),
      );
      await registry.register(instance, AbortSignal.timeout(10_000));
      expect((await seen).map((each) => each.endpoints)).toEqual([instance.endpoints]);

      const gone = firstValueFrom(watcher.watch('greeter').pipe(filter((list) => list.length === 0)));
      await registry.deregister(instance, AbortSignal.timeout(10_000));
      expect(await gone).toEqual([]);

      const texts = [
        inspect(registry, { depth: 10, showHidden: true }),
        ...logger.records.map((record) => `${record.msg} ${inspect(record.fields, { depth: 10 })}`),
      ];
      for (const line of keyLines(client)) expect(texts.filter((text) => text.includes(line))).toEqual([]);
    } finally {
      await Promise.all([registry.close(), watcher.close()]);
    }
  }, 30_000);

  it.each([
    ['no client certificate', () => credentials(ca.cert)],
    ['a client certificate another CA signed', () => credentials(ca.cert, rogueClient)],
    ["a CA that did not sign etcd's certificate", () => credentials(rogueCa.cert, client)],
  ])(
    '%s: KRATOS_ETCD_TLS_FAILED naming TLS and the host, no key in any output',
    async (_case, given) => {
      const logger = recordingLogger();
      const registry = new EtcdRegistry({
        hosts: etcd?.url ?? '',
        credentials: given(),
        requestTimeout: 2_000,
        logger,
      });
      let caught: unknown;
      try {
        await registry.register(instance, AbortSignal.timeout(3_000));
      } catch (error) {
        caught = error;
      } finally {
        await registry.close();
      }
      expect(isKratosError(caught) && caught.code).toBe(EtcdErrorCode.Tls);
      const message = (caught as Error).message;
      expect(message).toContain(etcd?.url);
      expect(message).toMatch(/TLS/);
      expect(message).not.toMatch(/timeout/i);
      const texts = [
        message,
        inspect(caught, { depth: 10 }),
        inspect(registry, { depth: 10, showHidden: true }),
        ...logger.records.map((record) => `${record.msg} ${inspect(record.fields, { depth: 10 })}`),
      ];
      for (const pems of [client, rogueClient])
        for (const line of keyLines(pems)) expect(texts.filter((text) => text.includes(line))).toEqual([]);
    },
    30_000,
  );
});
