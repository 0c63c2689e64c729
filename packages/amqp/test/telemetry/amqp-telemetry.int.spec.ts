import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AmqpConnection, amqpConsumer } from '@kratos-ts/amqp';
import { ConsumerServer } from '@kratos-ts/consumer';
import { SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { startRabbit, type RabbitProcess } from '../../../bench/src/brokers/rabbit-process.js';
import { InMemoryOtel } from '../../../consumer/test/support/in-memory-otel.js';

// Spans and outcome metrics of a RabbitMQ consumer and publisher, against a real RabbitMQ on
// loopback (one node for the file, ~6 s to start), with a real in-memory OpenTelemetry SDK
// registered as an app's would be. Each test uses queues of its own.

let rabbit: RabbitProcess;
let admin: ChannelModel;
let adminChannel: Channel;
let otel: InMemoryOtel | undefined;
const connections: AmqpConnection[] = [];
let queueSeq = 0;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

beforeAll(async () => {
  rabbit = await startRabbit();
  admin = await connect(rabbit.url);
  adminChannel = await admin.createChannel();
}, 90_000);

afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close(AbortSignal.timeout(2_000));
  await otel?.dispose();
  otel = undefined;
});

afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await rabbit?.dispose();
}, 60_000);

/** A fresh durable queue dead-lettering to `<name>.dead` through the default exchange. */
async function freshQueue(): Promise<{ queue: string; dead: string }> {
  queueSeq += 1;
  const queue = `telemetry${queueSeq}-${Date.now()}`;
  const dead = `${queue}.dead`;
  await adminChannel.assertQueue(dead, { durable: true });
  await adminChannel.assertQueue(queue, {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dead },
  });
  return { queue, dead };
}

async function openConnection(): Promise<AmqpConnection> {
  const connection = new AmqpConnection({ url: rabbit.url, reconnectMinDelay: 50, reconnectMaxDelay: 500 });
  connections.push(connection);
  await connection.open(AbortSignal.timeout(10_000));
  return connection;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('RabbitMQ telemetry against a real RabbitMQ', () => {
  it('links the consumer span to the publish made inside a span; the handler runs in the consumer span, and what it publishes is a child of it', async () => {
    otel = InMemoryOtel.register();
    const { queue, dead: replies } = await freshQueue();
    const connection = await openConnection();
    const seen: (SpanContext | undefined)[] = [];
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: amqpConsumer(connection),
      queue,
      name: 'greetings',
      handler: async (message) => {
        seen.push(trace.getActiveSpan()?.spanContext());
        await connection.publish(replies, JSON.stringify({ done: message.id }));
        seen.push(trace.getActiveSpan()?.spanContext());
      },
    });
    await consumer.start(AbortSignal.timeout(10_000));

    await trace.getTracer('test').startActiveSpan('request', async (request) => {
      await connection.publish(queue, JSON.stringify({ id: 'a' }), {
        messageId: 'a',
        headers: { tenant: 't1' },
      });
      request.end();
    });
    await until(() => otel!.spans().some((span) => span.name === `publish ${replies}`));
    await consumer.stop(AbortSignal.timeout(5_000));

    const request = otel.span('request');
    const publish = otel.span(`publish ${queue}`);
    const processing = otel.span(`process ${queue}`);
    const reply = otel.span(`publish ${replies}`);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(publish.attributes).toEqual({
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': queue,
      'messaging.rabbitmq.destination.routing_key': queue,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.message.id': 'a',
    });
    expect(processing.kind).toBe(SpanKind.CONSUMER);
    expect(processing.parentSpanContext).toBeUndefined();
    expect(processing.links.map((link) => link.context.spanId)).toEqual([publish.spanContext().spanId]);
    expect(processing.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': queue,
      'kratos.server': 'greetings',
      'messaging.message.id': 'a',
      'kratos.consume.outcome': 'ack',
    });
    expect(seen.map((each) => each?.spanId)).toEqual([
      processing.spanContext().spanId,
      processing.spanContext().spanId,
    ]);
    expect(reply.parentSpanContext?.spanId).toBe(processing.spanContext().spanId);
    // What crossed the broker: the reply's traceparent header names its PRODUCER span.
    const got = await adminChannel.get(replies, { noAck: true });
    const header: unknown = got && got.properties.headers?.['traceparent'];
    expect(TRACEPARENT.exec(String(header))?.[2]).toBe(reply.spanContext().spanId);
  });

  it("keeps the publisher's headers beside the traceparent, and adds none without an SDK", async () => {
    const { queue } = await freshQueue();
    const connection = await openConnection();

    await connection.publish(queue, JSON.stringify({ id: 'untraced' }), { headers: { tenant: 't1' } });
    otel = InMemoryOtel.register();
    await connection.publish(queue, JSON.stringify({ id: 'traced' }), { headers: { tenant: 't1' } });

    const untraced = await adminChannel.get(queue, { noAck: true });
    const traced = await adminChannel.get(queue, { noAck: true });
    expect(untraced && untraced.properties.headers).toEqual({ tenant: 't1' });
    expect(traced && traced.properties.headers).toEqual({
      tenant: 't1',
      traceparent: expect.stringMatching(TRACEPARENT) as unknown,
    });
  });

  it('counts each outcome in messaging.client.consumed.messages and messaging.process.duration: ack, retry, dead_letter, requeue', async () => {
    otel = InMemoryOtel.register();
    const { queue } = await freshQueue();
    const connection = await openConnection();
    const failures: Record<string, number> = { flaky: 1, poison: 99 };
    let slowStarted = false;
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: amqpConsumer(connection),
      queue,
      name: 'greetings',
      maxAttempts: 2,
      handler: async (message, { signal }) => {
        if ((failures[message.id] ?? 0) > 0) {
          failures[message.id]! -= 1;
          throw new Error(`${message.id} failed`);
        }
        if (message.id === 'slow') {
          slowStarted = true;
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        }
      },
    });
    await consumer.start(AbortSignal.timeout(10_000));

    for (const id of ['ok', 'flaky', 'poison']) await connection.publish(queue, JSON.stringify({ id }));
    await connection.publish(queue, 'not json');
    await until(() => otel!.spans().filter((span) => span.name === `process ${queue}`).length === 6);
    await connection.publish(queue, JSON.stringify({ id: 'slow' }));
    await until(() => slowStarted);
    // The slow handler is abandoned at stopTimeout: its message goes back.
    await expect(consumer.stop(AbortSignal.timeout(300))).resolves.toEqual({ abandoned: 1 });

    const byOutcome = async (name: string): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await otel!.points(name)).map((point) => {
          expect(point.attributes).toMatchObject({
            'messaging.system': 'rabbitmq',
            'messaging.destination.name': queue,
            'kratos.server': 'greetings',
          });
          return [String(point.attributes['kratos.consume.outcome']), point.value];
        }),
      );
    const expected = { ack: 2, retry: 2, dead_letter: 2, requeue: 1 };
    expect(await byOutcome('messaging.client.consumed.messages')).toEqual(expected);
    expect(await byOutcome('messaging.process.duration')).toEqual(expected);
    const [active] = await otel.points('messaging.process.active');
    expect(active?.value).toBe(0);
  });
});
