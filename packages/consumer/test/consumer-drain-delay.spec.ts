import { describe, expect, it } from '@jest/globals';
import { ConsumerServer } from '@kratos-ts/consumer';
import { fakeServer, recordingRegistrar, virtualKernel, type VirtualKernel } from '@kratos-ts/testing';
import { MemoryBroker } from './support/memory-broker.js';
import { sleepOn } from './support/virtual-clock.js';

// A consumer has no drain delay (its drainDelay property is 0): under core's per-server drainDelay,
// the kernel stops it as soon as deregistration is done, while HTTP/gRPC servers wait out the app's.

interface Rig {
  readonly vk: VirtualKernel;
  readonly broker: MemoryBroker;
  readonly consumer: ConsumerServer<{ id: string }>;
}

function rig({
  handlerMs = 100,
  stopTimeout,
  drainDelay = 0,
  api = false,
}: { handlerMs?: number; stopTimeout?: number; drainDelay?: number; api?: boolean } = {}): Rig {
  const now = (): number => vk.now();
  const broker = new MemoryBroker(now);
  const consumer = new ConsumerServer<{ id: string }>({
    adapter: broker.adapter,
    queue: 'greetings',
    prefetch: 3,
    concurrency: 1,
    handler: async (message, { signal }) => {
      vk.mark(`handle ${message.id}`);
      await sleepOn(vk.scheduler, handlerMs, signal);
    },
  });
  const vk: VirtualKernel = virtualKernel({
    servers: [
      stopTimeout === undefined ? consumer : { server: consumer, stopTimeout },
      ...(api ? [fakeServer({ name: 'api' })] : []),
    ],
    registrars: [recordingRegistrar({ name: 'mem' })],
    options: { name: 'svc', drainDelay },
  });
  return { vk, broker, consumer };
}

describe('ConsumerServer drain delay under the kernel', () => {
  it('stops the consumer as soon as deregistration is done, while an HTTP-like server waits out the drain delay', async () => {
    const { vk, broker } = rig({ api: true, drainDelay: 5_000, handlerMs: 10 });
    broker.publish('m1');

    const result = await vk.run(() => vk.signalAt(50));

    expect(result).toEqual({ ok: true });
    const deregistered = vk.timeOf('mem deregister');
    expect(deregistered).toBeGreaterThanOrEqual(50);
    expect(broker.log).toContain(`${deregistered} stopFetching`);
    expect(broker.log).toContain(`${deregistered} close`);
    expect(vk.timeOf('api stop')).toBe(deregistered + 5_000);
  });
});
