import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { putKey, waitFor, watcherCount } from '../support/etcd-http.js';

const TTL = 2;
const instance = (id: string, name = 'greeter'): ServiceInstance => ({
  id,
  name,
  version: 'v1',
  metadata: {},
  endpoints: [`http://127.0.0.1:80${id}`],
});
const ids = (list: ServiceInstance[] | undefined): string[] => (list ?? []).map((i) => i.id).sort();

const { etcd: currentEtcd, newRegistry } = useEtcdSuite(TTL);

describe('EtcdRegistry against a real etcd: watch', () => {
  it('one registry sees the instances another registers appear and disappear; unsubscribe closes the etcd watch', async () => {
    const watching = newRegistry();
    const registering = newRegistry();
    const watchers = async (): Promise<number> => (await watcherCount(currentEtcd().url)) - baseline;
    const baseline = await watcherCount(currentEtcd().url);
    await registering.register(instance('1'));
    // Each registered instance watches its own key, to put it back if it disappears.
    await waitFor(async () => (await watchers()) === 1, 5_000, "the registered instance's key watcher");
    const seen: ServiceInstance[][] = [];
    const subscription = watching.watch('greeter').subscribe((list) => seen.push(list));
    await waitFor(async () => seen.length > 0, 5_000, 'the first list');
    expect(ids(seen[0])).toEqual(['1']);
    // The list comes from a read; the etcd watch starts right after it.
    await waitFor(async () => (await watchers()) === 2, 5_000, 'one more etcd watcher, the service watch');

    await registering.register(instance('2'));
    await waitFor(async () => ids(seen.at(-1)).join() === '1,2', 5_000, 'instance 2 appears');
    await registering.register(instance('3', 'greeter-admin')); // another service: never listed
    await registering.deregister(instance('1'));
    await waitFor(async () => ids(seen.at(-1)).join() === '2', 5_000, 'instance 1 disappears');
    expect(seen.every((list) => list.every((i) => i.name === 'greeter'))).toBe(true);

    // Key watchers: instances 2 and 3 (1 was deregistered); plus the service watch.
    await waitFor(async () => (await watchers()) === 3, 5_000, 'two key watchers and the service watch');
    subscription.unsubscribe();
    await waitFor(async () => (await watchers()) === 2, 5_000, 'the service watch is cancelled');
  });

  it('keeps watching across an etcd restart, and sees what Go Kratos services write', async () => {
    const watching = newRegistry('/restart');
    const seen: ServiceInstance[][] = [];
    const subscription = watching.watch('greeter').subscribe((list) => seen.push(list));
    await waitFor(async () => seen.length > 0, 5_000, 'the first list');
    await currentEtcd().stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await currentEtcd().start();
    await putKey(
      currentEtcd().url,
      '/restart/greeter/go-1',
      '{"id":"go-1","name":"greeter","version":"v2","metadata":null,"endpoints":["grpc://10.0.0.1:9000"]}',
    );
    await waitFor(
      async () => ids(seen.at(-1)).join() === 'go-1',
      5_000,
      'the Go instance is seen after the restart',
    );
    expect(seen.at(-1)).toEqual([
      { id: 'go-1', name: 'greeter', version: 'v2', metadata: {}, endpoints: ['grpc://10.0.0.1:9000'] },
    ]);
    subscription.unsubscribe();
  });

  it('close() completes the watches of the registry', async () => {
    const registry = newRegistry();
    let completed = false;
    registry.watch('greeter').subscribe({ complete: () => (completed = true) });
    await registry.close();
    expect(completed).toBe(true);
  });
});
