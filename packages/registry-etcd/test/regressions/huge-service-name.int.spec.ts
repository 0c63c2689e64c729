import { describe, expect, it } from '@jest/globals';
import { KratosError, type ServiceInstance } from '@kratos-ts/core';
import { EtcdErrorCode, EtcdRegistry } from '../../src/index.js';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { getPrefix, waitFor } from '../support/etcd-http.js';

// Issue 13: registering a service with a 2 MB name failed with "etcd … did not answer" (as if etcd
// were down) and a 2 MB error message holding the whole key. The real cause is etcd's request
// size limit (--max-request-bytes, 1.5 MiB by default; gRPC refuses messages past it + 512 KiB).
const TWO_MB = 2 * 1024 * 1024;
const ETCD_DEFAULT_LIMIT = 1_572_864;
const hugeInstance = (): ServiceInstance => ({
  id: 'big',
  name: 'n'.repeat(TWO_MB),
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
});

async function leaseCount(url: string): Promise<number> {
  const response = await fetch(`${url}/v3/lease/leases`, {
    method: 'POST',
    body: '{}',
    signal: AbortSignal.timeout(2_000),
  });
  const body = (await response.json()) as { leases?: unknown[] };
  return body.leases?.length ?? 0;
}

async function rejection(promise: Promise<unknown>): Promise<KratosError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KratosError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const { etcd, newRegistry } = useEtcdSuite(2);

describe('Issue 13: a 2 MB service name', () => {
  it('register fails up front with KRATOS_ETCD_REQUEST_TOO_LARGE, naming sizes and limit, not the whole key', async () => {
    const before = await leaseCount(etcd().url);
    const error = await rejection(newRegistry().register(hugeInstance()));
    expect(error.code).toBe(EtcdErrorCode.RequestTooLarge);
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.message).toContain(`${ETCD_DEFAULT_LIMIT} bytes`);
    expect(error.message).toContain('--max-request-bytes');
    expect(error.message).toContain('maxRequestBytes');
    expect(error.message).toMatch(/"\/microservices\/n{20,}…/);
    expect(error.message).not.toContain('did not answer');
    // Nothing was asked of etcd: no lease granted, no key.
    expect(await leaseCount(etcd().url)).toBe(before);
    expect(await getPrefix(etcd().url, '/microservices/')).toEqual([]);
  });

  it("past the client's check (maxRequestBytes raised), etcd's refusal gets the same code and a short message", async () => {
    const registry = new EtcdRegistry({ hosts: [etcd().url], ttl: 2, maxRequestBytes: 64 * 1024 * 1024 });
    try {
      const before = await leaseCount(etcd().url);
      const error = await rejection(registry.register(hugeInstance()));
      expect(error.code).toBe(EtcdErrorCode.RequestTooLarge);
      expect(error.message.length).toBeLessThan(1_000);
      expect(error.message).toMatch(/received message larger than max|request is too large/);
      expect(error.message).toContain('--max-request-bytes');
      expect(error.message).not.toContain('did not answer');
      expect(await getPrefix(etcd().url, '/microservices/')).toEqual([]);
      // The lease granted before the refused put is revoked (in the background, right away).
      await waitFor(async () => (await leaseCount(etcd().url)) === before, 2_000, 'the lease revoked');
    } finally {
      await registry.close();
    }
  });

  it('getService of a 2 MB name fails with a short message', async () => {
    const error = await rejection(newRegistry().getService('n'.repeat(TWO_MB)));
    expect(error.message.length).toBeLessThan(1_000);
  });

  it('a large but acceptable instance still registers', async () => {
    const registry = newRegistry();
    await registry.register({ ...hugeInstance(), name: 'n'.repeat(100_000) });
    expect(await getPrefix(etcd().url, '/microservices/')).toHaveLength(1);
  });
});
