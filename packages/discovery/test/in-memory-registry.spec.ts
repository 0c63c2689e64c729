import { describe, expect, it } from '@jest/globals';
import { InMemoryRegistry } from '@kratos-ts/core';
import { DiscoveryErrorCode, p2c, watchNodes } from '../src/index.js';
import { VirtualClock, describeState, instance, settle, track } from './support/fixtures.js';

describe("watchNodes over core's InMemoryRegistry", () => {
  it('follows registrations and deregistrations, with the empty-list grace', async () => {
    const registry = new InMemoryRegistry();
    const clock = new VirtualClock();
    const grpc = watchNodes(registry, 'greeter', { schemes: ['grpc'], scheduler: clock.scheduler });
    const http = watchNodes(registry, 'greeter', { schemes: ['http'], scheduler: clock.scheduler });
    const states: string[] = [];
    grpc.state$.subscribe((state) => states.push(describeState(state)));
    const first = track(grpc.ready());

    const a = instance('a', ['http://10.0.0.1:8000', 'grpc://10.0.0.1:9000']);
    const b = instance('b', ['http://10.0.0.2:8000', 'grpc://10.0.0.2:9000']);
    await registry.register(a);
    await settle();
    expect(first.status).toBe('resolved');
    expect(first.value?.map((n) => n.address)).toEqual(['10.0.0.1:9000']);
    expect((await http.ready()).map((n) => n.endpoint)).toEqual(['http://10.0.0.1:8000']);

    await registry.register(b);
    const selector = p2c();
    const picked = selector.pick(grpc.nodes());
    expect(['10.0.0.1:9000', '10.0.0.2:9000']).toContain(picked.node.address);
    picked.done({ duration: 3 });

    await registry.deregister(a);
    await registry.deregister(b);
    clock.advance(999);
    expect(grpc.nodes().map((n) => n.address)).toEqual(['10.0.0.2:9000']); // the last list, kept
    clock.advance(1);
    await expect(grpc.ready()).rejects.toMatchObject({ code: DiscoveryErrorCode.NoInstances });

    expect(states).toEqual([
      'resolving',
      'ready[grpc://10.0.0.1:9000]',
      'ready[grpc://10.0.0.1:9000, grpc://10.0.0.2:9000]',
      'ready[grpc://10.0.0.2:9000]',
      'empty',
    ]);
    grpc.close();
    http.close();
  });

  it('is ready at once when the service is already registered', async () => {
    const registry = new InMemoryRegistry();
    await registry.register(instance('a', ['http://127.0.0.1:8000']));
    const set = watchNodes(registry, 'greeter', { schemes: ['http'] });
    expect(set.state.kind).toBe('ready');
    await expect(set.ready()).resolves.toHaveLength(1);
    set.close();
  });
});
