import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ConsumerServer } from '@kratos-ts/consumer';
import { NatsConnection, natsConsumer } from '@kratos-ts/nats';
import { startNats, type NatsProcess } from '../../../bench/src/brokers/nats-process.js';
import { createStreams, until } from '../support/nats-fixture.js';

// JasperFx/wolverine#4039 (and kratos-transport's NATS unsubscribe): a stopping JetStream consumer
// left its prefetched messages unacked until ack_wait (30 s), so the rest of the fleet idled.

let nats: NatsProcess;
beforeAll(async () => {
  nats = await startNats();
  await createStreams(nats.url, 'held', 'worker', 30_000);
});
afterAll(async () => {
  await nats.dispose();
});

it('prefetched messages a stopping consumer did not start go to another consumer at once, not after ack_wait', async () => {
  const connection = new NatsConnection({ url: nats.url });
  await connection.open();
  let release: (() => void) | undefined;
  const stopping = new ConsumerServer({
    adapter: natsConsumer(connection, { stream: 'held' }),
    queue: 'worker',
    prefetch: 3,
    concurrency: 1,
    handler: () => new Promise<void>((resolve) => (release = resolve)),
  });
  await stopping.start(new AbortController().signal);
  for (const id of ['a', 'b', 'c']) await connection.publish('held', JSON.stringify({ id }));
  await until(() => release !== undefined);
  const taken: string[] = [];
  const other = new ConsumerServer<{ id: string }>({
    adapter: natsConsumer(connection, { stream: 'held' }),
    name: 'other',
    queue: 'worker',
    handler: (message) => void taken.push(message.id),
  });
  await other.start(new AbortController().signal);
  const stopped = stopping.stop(AbortSignal.timeout(10_000));
  // ack_wait is 30 s: only a nak() at the stop can bring them back within 5 s.
  await until(() => taken.length === 2, 5_000, 'the 2 unstarted messages taken by the other consumer');
  expect(taken.sort()).toEqual(['b', 'c']);
  release?.();
  await stopped;
  await other.stop(AbortSignal.timeout(5_000));
  await connection.close(AbortSignal.timeout(2_000));
});
