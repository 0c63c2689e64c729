import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ConsumerServer } from '@kratos-ts/consumer';
import { NatsConnection, natsConsumer } from '@kratos-ts/nats';
import { startNats, type NatsProcess } from '../../../bench/src/brokers/nats-process.js';
import { createStreams, until } from '../support/nats-fixture.js';

// Found by the example's rolling-restart test (issue 15): now and then a whole pull (prefetch 10)
// came back only after ack_wait (30 s) once a consumer stopped under load. The stop unsubscribed
// the pull's inbox at once, so what the server had already sent to it (JetStream counts it as
// delivered) was dropped by the client: never handed to the drain, never nak()ed.

let nats: NatsProcess;
beforeAll(async () => {
  nats = await startNats();
  await createStreams(nats.url, 'inflight', 'worker', 30_000);
});
afterAll(async () => {
  await nats.dispose();
});

it('consumers stopped while messages stream in leave nothing to ack_wait: the next consumer gets every message at once', async () => {
  const connection = new NatsConnection({ url: nats.url });
  const publishing = new NatsConnection({ url: nats.url });
  await connection.open();
  await publishing.open();
  // A steady stream (~2000 msg/s, on a connection of its own), so that pulls are always answered.
  let flowing = true;
  let published = 0;
  const publisher = (async () => {
    while (flowing) {
      await Promise.all(
        Array.from({ length: 10 }, () => publishing.publish('inflight', JSON.stringify({ n: published++ }))),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const handled = new Set<number>();
  const consumer = (): ConsumerServer<{ n: number }> =>
    new ConsumerServer<{ n: number }>({
      adapter: natsConsumer(connection, { stream: 'inflight' }),
      queue: 'worker',
      prefetch: 10,
      handler: (message) => void handled.add(message.n),
    });
  let last: ConsumerServer<{ n: number }> | undefined;
  try {
    // Each consumer stops while pulls are answered; the next one starts on the same durable.
    for (let cycle = 0; cycle < 100; cycle += 1) {
      const server = consumer();
      await server.start(new AbortController().signal);
      const before = handled.size;
      await until(() => handled.size >= before + 30, 10_000, 'messages handled');
      await server.stop(AbortSignal.timeout(5_000));
    }
    flowing = false;
    await publisher;
    last = consumer();
    await last.start(new AbortController().signal);
    // ack_wait is 30 s: only what the stopped consumers returned (nak) can come back within 10 s.
    await until(() => handled.size === published, 10_000, 'every published message handled').catch(
      () => undefined,
    );
  } finally {
    flowing = false;
    await publisher;
    await last?.stop(AbortSignal.timeout(5_000));
    await publishing.close(AbortSignal.timeout(2_000));
    await connection.close(AbortSignal.timeout(2_000));
  }
  const missing = Array.from({ length: published }, (_, n) => n).filter((n) => !handled.has(n));
  expect({ published, missing }).toEqual({ published, missing: [] });
}, 120_000);
