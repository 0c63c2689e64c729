import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsumerServer } from '@kratos-ts/consumer';
import { NatsConnection, natsConsumer } from '@kratos-ts/nats';
import { SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { startNats, type NatsProcess } from '../../../bench/src/brokers/nats-process.js';
import { InMemoryOtel } from '../../../consumer/test/support/in-memory-otel.js';
import { createStreams, readStream, sideClient, until } from '../support/nats-fixture.js';

// Spans and outcome metrics of a NATS consumer and publisher, against a real nats-server -js on
// loopback, with a real in-memory OpenTelemetry SDK registered as an app's would be.

let nats: NatsProcess;
let otel: InMemoryOtel | undefined;
let counter = 0;
const live = (): AbortSignal => new AbortController().signal;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats.dispose();
});
afterEach(async () => {
  await otel?.dispose();
  otel = undefined;
});

async function setup(prefix: string): Promise<{ stream: string; connection: NatsConnection }> {
  counter += 1;
  const stream = `${prefix}${counter}`;
  await createStreams(nats.url, stream);
  const connection = new NatsConnection({ url: nats.url, reconnectMaxMs: 200 });
  await connection.open(live());
  return { stream, connection };
}

describe('NATS telemetry against a real nats-server', () => {
  it('links the consumer span to the publish made inside a span; the handler runs in the consumer span, and what it publishes is a child of it', async () => {
    otel = InMemoryOtel.register();
    const { stream, connection } = await setup('traced');
    const seen: (SpanContext | undefined)[] = [];
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: natsConsumer(connection, { stream }),
      queue: 'worker',
      name: 'greetings',
      handler: async (message) => {
        seen.push(trace.getActiveSpan()?.spanContext());
        await connection.publish(`${stream}.dead`, JSON.stringify({ done: message.id }));
        seen.push(trace.getActiveSpan()?.spanContext());
      },
    });
    await consumer.start(live());

    await trace.getTracer('test').startActiveSpan('request', async (request) => {
      await connection.publish(stream, JSON.stringify({ id: 'a' }), { msgId: 'a' });
      request.end();
    });
    await until(() => otel!.spans().some((span) => span.name === 'process worker'));
    await consumer.stop(AbortSignal.timeout(5_000));

    const request = otel.span('request');
    const publish = otel.span(`publish ${stream}`);
    const processing = otel.span('process worker');
    const reply = otel.span(`publish ${stream}.dead`);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(publish.attributes).toEqual({
      'messaging.system': 'nats',
      'messaging.destination.name': stream,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.message.id': 'a',
    });
    expect(processing.kind).toBe(SpanKind.CONSUMER);
    expect(processing.parentSpanContext).toBeUndefined();
    expect(processing.links.map((link) => link.context.spanId)).toEqual([publish.spanContext().spanId]);
    expect(processing.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': 'worker',
      'kratos.server': 'greetings',
      'messaging.message.id': 'a',
      'kratos.consume.outcome': 'ack',
    });
    expect(seen.map((each) => each?.spanId)).toEqual([
      processing.spanContext().spanId,
      processing.spanContext().spanId,
    ]);
    expect(reply.parentSpanContext?.spanId).toBe(processing.spanContext().spanId);
    // What crossed the broker: the traceparent header of the reply names its PRODUCER span.
    const side = await sideClient(nats.url);
    const [sent] = await readStream(side, `${stream}-dead`, 1);
    await side.close();
    expect(TRACEPARENT.exec(sent?.headers?.get('traceparent') ?? '')?.[2]).toBe(reply.spanContext().spanId);
    await connection.close(AbortSignal.timeout(2_000));
  });

  it('counts each outcome in messaging.client.consumed.messages and messaging.process.duration: ack, retry, dead_letter, requeue', async () => {
    otel = InMemoryOtel.register();
    const { stream, connection } = await setup('outcomes');
    const failures: Record<string, number> = { flaky: 1, poison: 99 };
    let slowStarted = false;
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: natsConsumer(connection, { stream }),
      queue: 'worker',
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
    await consumer.start(live());

    for (const id of ['ok', 'flaky', 'poison']) await connection.publish(stream, JSON.stringify({ id }));
    await connection.publish(stream, 'not json');
    await until(() => otel!.spans().filter((span) => span.name === 'process worker').length === 6);
    await connection.publish(stream, JSON.stringify({ id: 'slow' }));
    await until(() => slowStarted);
    // The slow handler is abandoned at stopTimeout: its message goes back.
    await expect(consumer.stop(AbortSignal.timeout(300))).resolves.toEqual({ abandoned: 1 });

    const byOutcome = async (name: string): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await otel!.points(name)).map((point) => {
          expect(point.attributes).toMatchObject({
            'messaging.system': 'nats',
            'messaging.destination.name': 'worker',
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
    await connection.close(AbortSignal.timeout(2_000));
  });
});
