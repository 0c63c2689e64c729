import type { Logger } from '@kratos-ts/core';
import { DEAD_LETTER_HEADERS, NatsConnection, NatsErrorCode, natsConsumer } from '@kratos-ts/nats';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection as NatsClient } from '@nats-io/transport-node';
import { startNats, type NatsProcess } from '../../../bench/src/brokers/nats-process.js';
import { createStreams, readStream } from '../../../nats/test/support/nats-fixture.js';
import type { BrokerFixture, ContractConnection, ContractQueue, OtherConsumer } from './broker-fixture.js';

/** The durable pull consumer every contract queue is consumed through. */
const DURABLE = 'worker';
/** The connection's publish timeout: how long a publish to a server that does not answer waits. */
const PUBLISH_TIMEOUT_MS = 1_000;

/**
 * The contract's NATS JetStream (nats-server 2.9 -js on loopback, `startNats()`): per queue a
 * stream `<name>` (subject `<name>`), its dead stream `<name>-dead` (subject `<name>.dead`, the
 * adapter's default dead-letter subject) and the durable pull consumer `worker` (explicit ack).
 * Its reads go through an admin client of the fixture's own, reconnecting fast.
 */
export function natsBrokerFixture(): BrokerFixture {
  let nats: NatsProcess | undefined;
  let admin: NatsClient | undefined;
  const connections: NatsConnection[] = [];
  const clients = new Set<NatsClient>();
  let sequence = 0;

  const broker = (): NatsProcess => {
    if (nats === undefined) throw new Error('the NATS fixture is not started');
    return nats;
  };
  const client = async (): Promise<NatsClient> => {
    const made = await connect({
      servers: broker().url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    clients.add(made);
    return made;
  };
  const adminClient = async (): Promise<NatsClient> => (admin ??= await client());

  return {
    broker: 'NATS JetStream',
    codes: { publishNotConfirmed: NatsErrorCode.PublishFailed, notOpen: NatsErrorCode.NotOpen },
    publishDownBoundMs: PUBLISH_TIMEOUT_MS + 2_000,
    outages: ['kill', 'freeze'],
    publishOutages: ['kill', 'freeze'],

    async start() {
      nats = await startNats();
    },

    async dispose() {
      for (const connection of connections.splice(0)) await connection.close(AbortSignal.timeout(2_000));
      for (const made of clients) await made.close().catch(() => undefined);
      clients.clear();
      await nats?.dispose();
    },

    async freshQueue(options = {}) {
      sequence += 1;
      const name = `contract${sequence}`;
      await createStreams(broker().url, name, DURABLE, options.ackWaitMs ?? 30_000);
      return { queue: DURABLE, name };
    },

    async openConnection(logger?: Logger): Promise<ContractConnection> {
      const connection = new NatsConnection({
        url: broker().url,
        reconnectMaxMs: 200,
        publishTimeoutMs: PUBLISH_TIMEOUT_MS,
        ...(logger === undefined ? {} : { logger }),
      });
      connections.push(connection);
      await connection.open(AbortSignal.timeout(10_000));
      return {
        adapter: (queue: ContractQueue) => natsConsumer(connection, { stream: queue.name }),
        publish: async (queue: ContractQueue, id: string, body?: string) => {
          await connection.publish(queue.name, body ?? JSON.stringify({ id }), { msgId: id });
        },
        close: (signal: AbortSignal) => connection.close(signal),
      };
    },

    async held(queue) {
      const jsm = await jetstreamManager(await adminClient());
      const info = await jsm.consumers.info(queue.name, DURABLE);
      return info.num_pending + info.num_ack_pending;
    },

    async undelivered(queue) {
      const jsm = await jetstreamManager(await adminClient());
      return (await jsm.consumers.info(queue.name, DURABLE)).num_pending;
    },

    async deadLetters(queue) {
      const side = await adminClient();
      const jsm = await jetstreamManager(side);
      const count = (await jsm.streams.info(`${queue.name}-dead`)).state.messages;
      if (count === 0) return [];
      const dead = await readStream(side, `${queue.name}-dead`, count);
      return dead.map((message) => message.headers?.get(DEAD_LETTER_HEADERS.messageId) ?? '');
    },

    async otherConsumer(queue): Promise<OtherConsumer> {
      const own = await client();
      const consumer = await jetstream(own).consumers.get(queue.name, DURABLE);
      const messages = await consumer.consume({ max_messages: 100 });
      const taken: { id: string; at: number }[] = [];
      const acks: Promise<unknown>[] = [];
      const reading = (async () => {
        for await (const message of messages as AsyncIterable<JsMsg>) {
          taken.push({ id: message.headers?.get('Nats-Msg-Id') ?? '', at: performance.now() });
          acks.push(message.ackAck().catch(() => false));
        }
      })();
      return {
        taken,
        close: async () => {
          await messages.close().catch(() => undefined);
          await reading.catch(() => undefined);
          await Promise.all(acks);
          clients.delete(own);
          await own.close().catch(() => undefined);
        },
      };
    },

    async stopBroker() {
      await broker().stop();
    },

    async startBroker() {
      await broker().start();
    },

    async outage(kind) {
      if (kind === 'kill') {
        await broker().kill();
      } else {
        await broker().freeze();
      }
    },

    async restore(kind) {
      if (kind === 'kill') await broker().start();
      else broker().resume();
    },
  };
}
