import { describe, expect, it } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';
import { InMemoryRegistry, type ServiceInstance } from '../../src/index.js';

const instance = (id: string, name = 'greeter'): ServiceInstance => ({
  id,
  name,
  version: '1',
  metadata: {},
  endpoints: [`http://127.0.0.1:${id}`],
});

describe('InMemoryRegistry', () => {
  it('getService matches the exact name, never a prefix', async () => {
    const registry = new InMemoryRegistry();
    await registry.register(instance('1'));
    await registry.register(instance('2', 'greeter-admin'));
    expect((await registry.getService('greeter')).map((i) => i.id)).toEqual(['1']);
  });

  it('deregister removes the instance', async () => {
    const registry = new InMemoryRegistry();
    await registry.register(instance('1'));
    await registry.deregister(instance('1'));
    expect(await registry.getService('greeter')).toEqual([]);
  });

  it('an aborted signal rejects register', async () => {
    const registry = new InMemoryRegistry();
    const controller = new AbortController();
    controller.abort();
    await expect(registry.register(instance('1'), controller.signal)).rejects.toThrow();
    expect(await registry.getService('greeter')).toEqual([]);
  });

  it('watch emits the list on subscribe and after every change, and stops on unsubscribe', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const registry = new InMemoryRegistry();
      cold('-a-b-c-d').subscribe((step) => {
        if (step === 'a') void registry.register(instance('1'));
        if (step === 'b') void registry.register(instance('2'));
        if (step === 'c') void registry.deregister(instance('1'));
        if (step === 'd') void registry.register(instance('3'));
      });
      expectObservable(registry.watch('greeter'), '^-----!').toBe('xa-b-c', {
        x: [],
        a: [instance('1')],
        b: [instance('1'), instance('2')],
        c: [instance('2')],
      });
    });
  });
});
