import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { getKey, getPrefix, leaseTtl, putKey } from '../support/etcd-http.js';

const TTL = 2;
const instance = (id: string, name = 'greeter'): ServiceInstance => ({
  id,
  name,
  version: 'v1.2.0',
  metadata: { zone: 'eu-1' },
  endpoints: [`http://127.0.0.1:${8000 + Number(id.replace(/\D/g, '') || 0)}`],
});

const { etcd: currentEtcd, newRegistry } = useEtcdSuite(TTL);

describe('EtcdRegistry against a real etcd: register and deregister', () => {
  it("register stores Kratos' JSON under {namespace}/{name}/{id} on a lease of at most ttl", async () => {
    const registry = newRegistry();
    await registry.register(instance('1'), AbortSignal.timeout(10_000));
    const stored = await getKey(currentEtcd().url, '/microservices/greeter/1');
    expect(stored?.value).toBe(
      '{"id":"1","name":"greeter","version":"v1.2.0","metadata":{"zone":"eu-1"},"endpoints":["http://127.0.0.1:8001"]}',
    );
    expect(stored?.lease).toMatch(/^[1-9]\d*$/);
    const { ttl, grantedTtl } = await leaseTtl(currentEtcd().url, stored!.lease!);
    expect(grantedTtl).toBe(TTL);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL);
  });

  it('keeps the key alive past its ttl', async () => {
    const registry = newRegistry();
    await registry.register(instance('2'));
    await new Promise((resolve) => setTimeout(resolve, TTL * 1_000 + 1_000));
    expect(await getKey(currentEtcd().url, '/microservices/greeter/2')).toBeDefined();
  });

  it('deregister revokes the lease, so the key is gone at once', async () => {
    const registry = newRegistry();
    await registry.register(instance('3'));
    const { lease } = (await getKey(currentEtcd().url, '/microservices/greeter/3'))!;
    await registry.deregister(instance('3'), AbortSignal.timeout(10_000));
    expect(await getKey(currentEtcd().url, '/microservices/greeter/3')).toBeUndefined();
    expect((await leaseTtl(currentEtcd().url, lease!)).ttl).toBe(-1);
  });

  it('concurrent registrations through one registry each get their own lease', async () => {
    const registry = newRegistry('/concurrent');
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    await Promise.all(ids.map((id) => registry.register(instance(id))));
    const stored = await getPrefix(currentEtcd().url, '/concurrent/greeter/');
    expect(stored.map((kv) => kv.key).sort()).toEqual(ids.map((id) => `/concurrent/greeter/${id}`));
    expect(new Set(stored.map((kv) => kv.lease)).size).toBe(ids.length);
    // Deregistering one leaves the others, and their leases, alone.
    await registry.deregister(instance('c3'));
    expect((await registry.getService('greeter')).map((i) => i.id).sort()).toEqual(['c1', 'c2', 'c4', 'c5']);
  });

  it('getService matches the exact name: greeter never matches greeter-admin', async () => {
    const registry = newRegistry('/isolation');
    await registry.register(instance('g1'));
    await registry.register(instance('a1', 'greeter-admin'));
    expect((await registry.getService('greeter')).map((i) => i.id)).toEqual(['g1']);
    expect((await registry.getService('greeter-admin')).map((i) => i.id)).toEqual(['a1']);
    expect(await registry.getService('greet')).toEqual([]);
  });

  it("reads an instance written with the JSON and key layout of Kratos' Go registry", async () => {
    // What Go's json.Marshal(registry.ServiceInstance) writes, nil metadata included.
    await putKey(
      currentEtcd().url,
      '/microservices/helloworld/go-7f3a',
      '{"id":"go-7f3a","name":"helloworld","version":"v2.7.0","metadata":null,"endpoints":["http://10.0.0.9:8000","grpc://10.0.0.9:9000"]}',
    );
    await putKey(
      currentEtcd().url,
      '/microservices/helloworld/go-8b1c',
      '{"id":"go-8b1c","name":"helloworld","version":"v2.7.0","metadata":{"cluster":"blue"},"endpoints":["grpc://10.0.0.10:9000"]}',
    );
    const registry = newRegistry();
    const found = await registry.getService('helloworld');
    expect(found.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      {
        id: 'go-7f3a',
        name: 'helloworld',
        version: 'v2.7.0',
        metadata: {},
        endpoints: ['http://10.0.0.9:8000', 'grpc://10.0.0.9:9000'],
      },
      {
        id: 'go-8b1c',
        name: 'helloworld',
        version: 'v2.7.0',
        metadata: { cluster: 'blue' },
        endpoints: ['grpc://10.0.0.10:9000'],
      },
    ]);
  });

  it('registering the same instance again moves it to a new lease without a gap', async () => {
    const registry = newRegistry('/replace');
    await registry.register(instance('r1'));
    const before = (await getKey(currentEtcd().url, '/replace/greeter/r1'))!;
    await registry.register({ ...instance('r1'), version: 'v2' });
    const after = (await getKey(currentEtcd().url, '/replace/greeter/r1'))!;
    expect(after.lease).not.toBe(before.lease);
    expect(JSON.parse(after.value)).toMatchObject({ version: 'v2' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await getKey(currentEtcd().url, '/replace/greeter/r1')).toBeDefined();
  });
});
