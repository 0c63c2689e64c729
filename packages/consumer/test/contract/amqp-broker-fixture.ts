import { AmqpConnection, AmqpErrorCode, amqpConsumer } from '@kratos-ts/amqp';
import type { Logger } from '@kratos-ts/core';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { startRabbit, type RabbitProcess } from '../../../bench/src/brokers/rabbit-process.js';
import type {
  BrokerFixture,
  ContractConnection,
  ContractQueue,
  OtherConsumer,
  Outage,
} from './broker-fixture.js';

/** The connection's publish timeout: how long a publish to a broker that does not answer waits. */
const PUBLISH_TIMEOUT_MS = 1_000;
/** How long after a queue's declaration RabbitMQ surely has it on disk (disk_log's 2 s, and some). */
const DECLARATION_FLUSH_MS = 2_500;

/**
 * The contract's RabbitMQ (3.10, a real node on loopback, `startRabbit()`): durable queues
 * dead-lettering through the default exchange to `<queue>.dead`, read by an amqplib admin
 * connection of the fixture's own (reopened after the broker comes back).
 */
export function amqpBrokerFixture(): BrokerFixture {
  let rabbit: RabbitProcess | undefined;
  let admin: { model: ChannelModel; channel: Channel } | undefined;
  const connections: AmqpConnection[] = [];
  const others: ChannelModel[] = [];
  let sequence = 0;
  let lastDeclaredAt = 0;

  const broker = (): RabbitProcess => {
    if (rabbit === undefined) throw new Error('the RabbitMQ fixture is not started');
    return rabbit;
  };
  /** The admin channel, reopened when the broker restarted under it. */
  const adminChannel = async (): Promise<Channel> => {
    if (admin === undefined) {
      const model = await connect(broker().url);
      model.on('error', () => undefined);
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      const opened = { model, channel };
      admin = opened;
      const forget = (): void => void (admin === opened && (admin = undefined));
      model.on('close', forget);
      channel.on('close', forget);
    }
    return admin.channel;
  };
  const dropAdmin = async (): Promise<void> => {
    const current = admin;
    admin = undefined;
    await current?.model.close().catch(() => undefined);
  };
  /** The session of the broker's processes: SIGSTOP/SIGCONT to each freezes or resumes the node. */
  return {
    broker: 'RabbitMQ',
    codes: { publishNotConfirmed: AmqpErrorCode.PublishNotConfirmed, notOpen: AmqpErrorCode.NotOpen },
    publishDownBoundMs: PUBLISH_TIMEOUT_MS + 2_000,
    outages: ['kill', 'freeze'],
    publishOutages: ['kill', 'freeze'],

    async start() {
      rabbit = await startRabbit();
    },

    async dispose() {
      for (const connection of connections.splice(0)) await connection.close(AbortSignal.timeout(2_000));
      for (const other of others.splice(0)) await other.close().catch(() => undefined);
      await dropAdmin();
      await rabbit?.dispose();
    },

    async freshQueue() {
      sequence += 1;
      const queue = `contract${sequence}-${Date.now()}`;
      const channel = await adminChannel();
      await channel.assertQueue(`${queue}.dead`, { durable: true });
      await channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': `${queue}.dead` },
      });
      lastDeclaredAt = Date.now();
      return { queue, name: queue };
    },

    async openConnection(logger?: Logger): Promise<ContractConnection> {
      const connection = new AmqpConnection({
        url: broker().url,
        reconnectMinDelay: 50,
        reconnectMaxDelay: 500,
        publishTimeout: PUBLISH_TIMEOUT_MS,
        ...(logger === undefined ? {} : { logger }),
      });
      connections.push(connection);
      await connection.open(AbortSignal.timeout(10_000));
      return {
        adapter: () => amqpConsumer(connection),
        publish: (queue: ContractQueue, id: string, body?: string) =>
          connection.publish(queue.queue, body ?? JSON.stringify({ id }), { messageId: id }),
        close: (signal: AbortSignal) => connection.close(signal),
      };
    },

    async held(queue) {
      return (await (await adminChannel()).checkQueue(queue.queue)).messageCount;
    },

    async undelivered(queue) {
      return (await (await adminChannel()).checkQueue(queue.queue)).messageCount;
    },

    async deadLetters(queue) {
      // Read on a channel of its own, then closed: what it got goes back, in place.
      const model = await connect(broker().url);
      try {
        const channel = await model.createChannel();
        const ids: string[] = [];
        for (;;) {
          const message = await channel.get(`${queue.queue}.dead`, { noAck: false });
          if (message === false) break;
          ids.push(String(message.properties.messageId));
        }
        return ids;
      } finally {
        await model.close().catch(() => undefined);
      }
    },

    async otherConsumer(queue): Promise<OtherConsumer> {
      const model = await connect(broker().url);
      model.on('error', () => undefined);
      others.push(model);
      const channel = await model.createChannel();
      const taken: { id: string; at: number }[] = [];
      await channel.consume(queue.queue, (message) => {
        if (message === null) return;
        taken.push({ id: String(message.properties.messageId), at: performance.now() });
        channel.ack(message);
      });
      return {
        taken,
        close: async () => {
          if (others.includes(model)) others.splice(others.indexOf(model), 1);
          // The channel's close-ok follows its acks: once it is closed, the broker has them (a
          // connection's close alone may take the channel down before it processed them).
          await channel.close().catch(() => undefined);
          await model.close().catch(() => undefined);
        },
      };
    },

    async stopBroker() {
      await dropAdmin();
      await broker().stop();
    },

    async startBroker() {
      await broker().start();
    },

    async outage(kind: Outage) {
      if (kind === 'kill') {
        // RabbitMQ's mnesia writes a queue's declaration through disk_log, which holds writes up
        // to 2 s (delayed_write): a queue declared just before a SIGKILL came back missing, with
        // its messages, in about 1 run of 3. A broker property, not the adapter's: the cases
        // kill it once their queue's declaration is on disk.
        const settling = lastDeclaredAt + DECLARATION_FLUSH_MS - Date.now();
        if (settling > 0) await new Promise((resolve) => setTimeout(resolve, settling));
        await dropAdmin();
        await broker().kill();
      } else {
        await broker().freeze();
      }
    },

    async restore(kind: Outage) {
      if (kind === 'kill') await broker().start();
      else broker().resume();
    },
  };
}
