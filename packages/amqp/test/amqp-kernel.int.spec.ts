import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AmqpConnection, amqpConsumer } from '@kratos-ts/amqp';
import { ConsumerServer } from '@kratos-ts/consumer';
import { AfterStop, BeforeStart, createKratosModule, Server, type HookContext } from '@kratos-ts/core';
import { startTestApp } from '@kratos-ts/testing';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { Container, inject } from 'inversify';
import { startRabbit, type RabbitProcess } from '../../bench/src/brokers/rabbit-process.js';

// The documented shape, under a real kernel (startTestApp) and a real RabbitMQ: the connection is a
// client resource opened by a @BeforeStart hook and closed by an @AfterStop hook, so a handler
// still running at SIGTERM can publish its reply while the consumer drains.

let rabbit: RabbitProcess;
let admin: ChannelModel;
let adminChannel: Channel;

beforeAll(async () => {
  rabbit = await startRabbit();
  admin = await connect(rabbit.url);
  adminChannel = await admin.createChannel();
  await adminChannel.assertQueue('greetings.dead', { durable: true });
  await adminChannel.assertQueue('greetings.done', { durable: true });
  await adminChannel.assertQueue('greetings', {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'greetings.dead' },
  });
}, 90_000);

afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await rabbit?.dispose();
}, 60_000);

const gate: { open?: () => void; entered: boolean } = { entered: false };

/** The process's connection: opened before any server starts, closed after every server stopped. */
class Amqp extends AmqpConnection {
  constructor() {
    super({ url: rabbit.url });
  }

  @BeforeStart()
  connect({ signal }: HookContext): Promise<void> {
    return this.open(signal);
  }

  @AfterStop()
  disconnect({ signal }: HookContext): Promise<void> {
    return this.close(signal);
  }
}

@Server({ name: 'greetings', stopTimeout: 10_000 })
class Greetings extends ConsumerServer<{ id: string; name: string }> {
  constructor(@inject(Amqp) amqp: Amqp) {
    super({
      adapter: amqpConsumer(amqp),
      queue: 'greetings',
      handler: async ({ id, name }) => {
        gate.entered = true;
        await new Promise<void>((resolve) => (gate.open = resolve));
        await amqp.publish('greetings.done', JSON.stringify({ id, message: `Hello ${name}` }), {
          messageId: id,
        });
      },
    });
  }
}

describe('@kratos-ts/amqp under a real kernel', () => {
  it('SIGTERM drains the consumer while the hook-managed connection stays open for its reply, then closes it', async () => {
    const container = new Container();
    container.load(
      createKratosModule({ name: 'greeter', drainDelay: 0, servers: [Greetings], hooks: [Amqp] }),
    );
    const app = await startTestApp(container);
    const amqp = container.get(Amqp);
    expect(amqp.state).toBe('open');
    expect(app.app.endpoints).toEqual([]);

    await amqp.publish('greetings', JSON.stringify({ id: 'g1', name: 'Ada' }), { messageId: 'g1' });
    const deadline = Date.now() + 10_000;
    while (!gate.entered && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gate.entered).toBe(true);

    app.signals.emit('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.kernel.state).toBe('stopping');
    expect(amqp.state).toBe('open'); // still open: the consumer is draining
    gate.open?.();
    await app.run;

    expect(amqp.state).toBe('closed');
    const reply = await adminChannel.get('greetings.done', { noAck: true });
    expect(reply && JSON.parse(reply.content.toString())).toEqual({ id: 'g1', message: 'Hello Ada' });
    expect((await adminChannel.checkQueue('greetings')).messageCount).toBe(0); // acked
  });
});
