import { ConsumerServer } from '@kratos-ts/consumer';
import { fakeServer, recordingRegistrar, virtualKernel, type VirtualKernel } from '@kratos-ts/testing';
import { MemoryBroker } from './memory-broker.js';
import { sleepOn } from './virtual-clock.js';

/** A ConsumerServer on the in-memory broker under a virtual-time kernel (and maybe an HTTP-like server). */
export interface Rig {
  readonly vk: VirtualKernel;
  readonly broker: MemoryBroker;
  readonly consumer: ConsumerServer<{ id: string }>;
}

export function rig({
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
