import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AmqpConnection, AmqpErrorCode, amqpConsumer, ATTEMPT_HEADER } from '@kratos-ts/amqp';
import { ConsumerServer } from '@kratos-ts/consumer';
import type { Logger } from '@kratos-ts/core';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { startRabbit, type RabbitProcess } from '../../bench/src/brokers/rabbit-process.js';

// Against a real RabbitMQ 3.10 on loopback (one node for the file, ~6 s to start). Each test uses
// queues of its own. The broker restart runs last. What both adapters promise (the drain's order,
// abandonment at stopTimeout, the broker down during stop …) is in the consumer contract suite,
// packages/consumer/test/contract; here, what is RabbitMQ's own (x-attempt, persistence, logs).

let rabbit: RabbitProcess;
let admin: ChannelModel;
let adminChannel: Channel;
const connections: AmqpConnection[] = [];
let queueSeq = 0;

beforeAll(async () => {
  rabbit = await startRabbit();
  admin = await connect(rabbit.url);
  adminChannel = await admin.createChannel();
}, 90_000);

afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close(AbortSignal.timeout(2_000));
});

afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await rabbit?.dispose();
}, 60_000);

/** A fresh durable queue dead-lettering to `<name>.dead` through the default exchange. */
async function freshQueue(): Promise<{ queue: string; dead: string }> {
  queueSeq += 1;
  const queue = `q${queueSeq}-${Date.now()}`;
  const dead = `${queue}.dead`;
  await adminChannel.assertQueue(dead, { durable: true });
  await adminChannel.assertQueue(queue, {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dead },
  });
  return { queue, dead };
}

async function ready(queue: string): Promise<number> {
  return (await adminChannel.checkQueue(queue)).messageCount;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Line {
  level: string;
  fields: unknown;
  message: string;
}

function recordingLogger(lines: Line[]): Logger {
  const at =
    (level: string) =>
    (fields: unknown, message?: string): void =>
      void lines.push({ level, fields, message: String(message ?? fields) });
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return logger;
}

async function openConnection(logger?: Logger): Promise<AmqpConnection> {
  const connection = new AmqpConnection({
    url: rabbit.url,
    reconnectMinDelay: 50,
    reconnectMaxDelay: 500,
    ...(logger ? { logger } : {}),
  });
  connections.push(connection);
  await connection.open(AbortSignal.timeout(10_000));
  return connection;
}

const json = (id: string): string => JSON.stringify({ id });

describe('@kratos-ts/amqp against a real RabbitMQ', () => {
  it('a message is handled and acked; publish resolves once confirmed and the message is persistent', async () => {
    const { queue } = await freshQueue();
    const connection = await openConnection();
    await connection.publish(queue, json('m1'), { messageId: 'm1' });
    const got = await adminChannel.get(queue, { noAck: false });
    expect(got && got.properties.deliveryMode).toBe(2);
    expect(got && got.properties.messageId).toBe('m1');
    if (got) adminChannel.nack(got, false, true);

    const handled: string[] = [];
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: amqpConsumer(connection),
      queue,
      handler: (message) => void handled.push(message.id),
    });
    await consumer.start(AbortSignal.timeout(10_000));
    await until(() => handled.length === 1);
    expect(await consumer.stop(AbortSignal.timeout(5_000))).toEqual({ abandoned: 0 });
    expect(handled).toEqual(['m1']);
    expect(await ready(queue)).toBe(0); // acked: not back on the queue once the channel closed
  });

  it('a poison message is retried maxAttempts times, then dead-lettered, and not retried again', async () => {
    const { queue, dead } = await freshQueue();
    const connection = await openConnection();
    const attempts: number[] = [];
    const lines: Line[] = [];
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: amqpConsumer(connection),
      queue,
      maxAttempts: 3,
      logger: recordingLogger(lines),
      handler: (_message, { attempt }) => {
        attempts.push(attempt);
        throw new Error('poison');
      },
    });
    await consumer.start(AbortSignal.timeout(10_000));
    await connection.publish(queue, json('p1'), { messageId: 'p1' });
    await until(async () => (await ready(dead)) === 1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // would a 4th attempt come?
    expect(attempts).toEqual([1, 2, 3]);
    expect(await ready(queue)).toBe(0);
    const deadMessage = await adminChannel.get(dead, { noAck: true });
    expect(deadMessage && deadMessage.properties.messageId).toBe('p1');
    expect(deadMessage && deadMessage.properties.headers?.[ATTEMPT_HEADER]).toBe(3);
    expect(
      lines.some((line) => line.level === 'error' && /p1/.test(line.message) && /poison/.test(line.message)),
    ).toBe(true);
    await consumer.stop(AbortSignal.timeout(5_000));
  });

  it('an undecodable message is dead-lettered at once, without reaching the handler', async () => {
    const { queue, dead } = await freshQueue();
    const connection = await openConnection();
    let calls = 0;
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: amqpConsumer(connection),
      queue,
      handler: () => void (calls += 1),
    });
    await consumer.start(AbortSignal.timeout(10_000));
    await connection.publish(queue, 'not json', { messageId: 'bad' });
    await until(async () => (await ready(dead)) === 1);
    expect(calls).toBe(0);
    const deadMessage = await adminChannel.get(dead, { noAck: true });
    expect(deadMessage && deadMessage.properties.headers?.[ATTEMPT_HEADER]).toBeUndefined(); // no retry
    await consumer.stop(AbortSignal.timeout(5_000));
  });

  it('a wrong password fails open() with KRATOS_AMQP_CONNECT_FAILED, the password in no error', async () => {
    const planted = 'pl4nted-s3cret';
    const connection = new AmqpConnection({ url: rabbit.url.replace('amqp://', `amqp://guest:${planted}@`) });
    const error = (await connection.open(AbortSignal.timeout(10_000)).catch((e: unknown) => e)) as Error & {
      code?: string;
      cause?: Error;
    };
    expect(error.code).toBe(AmqpErrorCode.ConnectFailed);
    expect(`${error.message} ${error.cause?.message} ${error.stack}`).not.toContain(planted);
  });

  it('broker stopped and started while consuming: loss and recovery logged once each, the consumer resumes', async () => {
    const { queue } = await freshQueue();
    const lines: Line[] = [];
    const connection = await openConnection(recordingLogger(lines));
    const handled: string[] = [];
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: amqpConsumer(connection),
      queue,
      handler: (message) => void handled.push(message.id),
    });
    await consumer.start(AbortSignal.timeout(10_000));
    await connection.publish(queue, json('before'), { messageId: 'before' });
    await until(() => handled.includes('before'));

    await rabbit.stop();
    await until(() => connection.state === 'lost');
    const whileDown = await connection.publish(queue, json('x')).catch((e: Error & { code?: string }) => e);
    expect((whileDown as { code?: string }).code).toBe(AmqpErrorCode.PublishNotConfirmed);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // several failed attempts
    await rabbit.start();
    adminChannel = await (admin = await connect(rabbit.url)).createChannel();
    await until(() => connection.state === 'open', 30_000);
    await until(async () => (await adminChannel.checkQueue(queue)).consumerCount === 1, 10_000);
    await connection.publish(queue, json('after'), { messageId: 'after' });
    await until(() => handled.includes('after'));

    const warns = lines.filter((line) => line.level === 'warn');
    const infos = lines.filter((line) => line.level === 'info');
    expect(warns.map((line) => (line.fields as { code?: string }).code)).toEqual([
      AmqpErrorCode.ConnectionLost,
    ]);
    expect(infos.map((line) => (line.fields as { code?: string }).code)).toEqual([
      AmqpErrorCode.ConnectionRecovered,
    ]);
    const { downMs, attempts } = infos[0]?.fields as { downMs: number; attempts: number };
    process.stdout.write(
      `[amqp figure] broker stop/start: reconnected ${downMs} ms after the loss, ${attempts} attempts\n`,
    );
    await consumer.stop(AbortSignal.timeout(5_000));
  }, 90_000);
});
