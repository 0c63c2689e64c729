import { afterEach, describe, expect, it } from '@jest/globals';
import {
  ConsumerErrorCode,
  ConsumerServer,
  type ConsumerAdapter,
  type ConsumerHandler,
} from '@kratos-ts/consumer';
import { isKratosError } from '@kratos-ts/core';
import { context, propagation, SpanKind, SpanStatusCode, trace, type SpanContext } from '@opentelemetry/api';
import { InMemoryOtel } from '../support/in-memory-otel.js';
import { MemoryBroker } from '../support/memory-broker.js';
import { VirtualClock } from '../support/virtual-clock.js';

// A consumer's spans and metrics, on the in-memory broker in virtual time, with a real in-memory
// OpenTelemetry SDK registered as an app's would be.

let otel: InMemoryOtel | undefined;

afterEach(async () => {
  await otel?.dispose();
  otel = undefined;
});

/** The broker as an adapter of messaging system `memory`, whose deliveries carry `headers[id]`. */
function adapterOf(broker: MemoryBroker, headers: Record<string, Record<string, unknown>>): ConsumerAdapter {
  return {
    system: 'memory',
    consume: (options) =>
      broker.adapter.consume({
        ...options,
        deliver: (delivery) => options.deliver({ ...delivery, headers: headers[delivery.id] }),
      }),
  };
}

/** The headers a traced publisher would send: `traceparent` of a span it made, and that span. */
function published(): { headers: Record<string, string>; span: SpanContext } {
  const span = trace.getTracer('publisher').startSpan('publish greetings', { kind: SpanKind.PRODUCER });
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  span.end();
  return { headers, span: span.spanContext() };
}

interface Rig {
  readonly clock: VirtualClock;
  readonly broker: MemoryBroker;
  readonly consumer: ConsumerServer<{ id: string }>;
}

async function rig(
  handler: (clock: VirtualClock) => ConsumerHandler<{ id: string }>,
  headers: Record<string, Record<string, unknown>> = {},
  options: { maxAttempts?: number; prefetch?: number; concurrency?: number } = {},
): Promise<Rig> {
  const clock = new VirtualClock();
  const broker = new MemoryBroker(() => clock.now());
  const consumer = new ConsumerServer<{ id: string }>({
    adapter: adapterOf(broker, headers),
    queue: 'greetings',
    name: 'greetings-consumer',
    handler: handler(clock),
    ...options,
  });
  const started = consumer.start(new AbortController().signal);
  await clock.advanceTo(0);
  await started;
  return { clock, broker, consumer };
}

const BASE = {
  'messaging.system': 'memory',
  'messaging.destination.name': 'greetings',
  'kratos.server': 'greetings-consumer',
};

describe('consumer telemetry (in-memory broker, virtual time)', () => {
  it('makes a CONSUMER span "process <queue>" per message, a root linked to the publisher\'s traceparent, in which the handler runs (across its awaits)', async () => {
    otel = InMemoryOtel.register();
    const publish = published();
    const seen: (SpanContext | undefined)[] = [];
    const { clock, broker } = await rig(
      (clock) => async () => {
        seen.push(trace.getActiveSpan()?.spanContext());
        await clock.sleep(50);
        seen.push(trace.getActiveSpan()?.spanContext());
      },
      { m1: publish.headers },
    );

    broker.publish('m1');
    await clock.advanceTo(100);

    expect(broker.acked).toEqual(['m1']);
    const span = otel.span('process greetings');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(publish.span.traceId);
    expect(span.links.map((link) => link.context.spanId)).toEqual([publish.span.spanId]);
    expect(span.links[0]?.context.traceId).toBe(publish.span.traceId);
    expect(span.attributes).toEqual({
      ...BASE,
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': 'm1',
      'kratos.consume.attempt': 1,
      'kratos.consume.outcome': 'ack',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.instrumentationScope.name).toBe('@kratos-ts/consumer');
    expect(seen.map((each) => each?.spanId)).toEqual([span.spanContext().spanId, span.spanContext().spanId]);
  });

  it('links to nothing when the message carries no (or a malformed) traceparent, and reads a header written in another case', async () => {
    otel = InMemoryOtel.register();
    const publish = published();
    const { clock, broker } = await rig(() => () => undefined, {
      bare: {},
      malformed: { traceparent: '00-nothex-00f067aa0ba902b7-01' },
      capitalised: { Traceparent: Buffer.from(publish.headers['traceparent']!) },
    });

    broker.publish('bare');
    broker.publish('malformed');
    broker.publish('capitalised');
    broker.publish('no-headers-at-all');
    await clock.advanceTo(10);

    const links = (id: string): string[] =>
      otel!
        .spans()
        .filter((span) => span.attributes['messaging.message.id'] === id)
        .flatMap((span) => span.links.map((link) => link.context.spanId));
    expect(links('bare')).toEqual([]);
    expect(links('malformed')).toEqual([]);
    expect(links('no-headers-at-all')).toEqual([]);
    expect(links('capitalised')).toEqual([publish.span.spanId]);
  });

  it('records every outcome: ack, retry, dead_letter (handler and decoder), requeue (abandoned at stopTimeout, or returned unhandled), in spans and in messaging.client.consumed.messages / messaging.process.duration', async () => {
    otel = InMemoryOtel.register();
    const failures: Record<string, number> = { flaky: 1, poison: 99 };
    const { clock, broker, consumer } = await rig(
      (clock) => async (message) => {
        if ((failures[message.id] ?? 0) > 0) {
          failures[message.id]! -= 1;
          throw new Error(`${message.id} failed`);
        }
        if (message.id === 'slow') await clock.sleep(1_000);
      },
      {},
      { maxAttempts: 2, prefetch: 3, concurrency: 1 },
    );

    broker.publish('ok');
    broker.publish('flaky'); // fails once: retry, then ack
    broker.publish('poison'); // fails twice: retry, then dead_letter
    broker.publish('bad', 'not json'); // dead_letter at once
    await clock.advanceTo(10);
    broker.publish('slow'); // running at stopTimeout: abandoned, requeued
    broker.publish('waiting'); // waiting for the one handler slot at the stop: returned unhandled
    await clock.advanceTo(20);
    expect(await otel.points('messaging.process.active')).toEqual([{ attributes: BASE, value: 1, sum: 1 }]);
    const stopped = consumer.stop(clock.signalAt(500));
    await clock.advanceTo(600);
    await stopped;

    const outcomes = otel
      .spans()
      .map(
        (span) =>
          `${String(span.attributes['messaging.message.id'])}#${String(span.attributes['kratos.consume.attempt'])} ${String(span.attributes['kratos.consume.outcome'])}`,
      )
      .sort();
    expect(outcomes).toEqual(
      [
        'ok#1 ack',
        'flaky#1 retry',
        'flaky#2 ack',
        'poison#1 retry',
        'poison#2 dead_letter',
        'bad#1 dead_letter',
        'slow#1 requeue',
      ].sort(),
    );
    const failed = otel.spans().filter((span) => span.status.code === SpanStatusCode.ERROR);
    expect(failed.map((span) => span.status.message).sort()).toEqual(
      [
        'flaky failed',
        'poison failed',
        'poison failed',
        expect.stringContaining('JSON') as unknown as string,
        'stopTimeout at 500',
      ].sort(),
    );
    expect(failed.find((span) => span.attributes['messaging.message.id'] === 'flaky')?.events[0]?.name).toBe(
      'exception',
    );

    const byOutcome = async (name: string): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await otel!.points(name)).map((point) => {
          expect(point.attributes).toMatchObject(BASE);
          return [String(point.attributes['kratos.consume.outcome']), point.value];
        }),
      );
    // The waiting message was consumed (delivered) and returned unhandled: counted, not timed.
    expect(await byOutcome('messaging.client.consumed.messages')).toEqual({
      ack: 2,
      retry: 2,
      dead_letter: 2,
      requeue: 2,
    });
    expect(await byOutcome('messaging.process.duration')).toEqual({
      ack: 2,
      retry: 2,
      dead_letter: 2,
      requeue: 1,
    });
    expect(await otel.unit('messaging.process.duration')).toBe('s');
    expect(await otel.points('messaging.process.active')).toEqual([{ attributes: BASE, value: 0, sum: 0 }]);
  });

  it('records nothing without an SDK (the handler sees no span), and picks up an SDK registered later', async () => {
    const seen: (SpanContext | undefined)[] = [];
    const { clock, broker } = await rig(() => () => {
      seen.push(trace.getActiveSpan()?.spanContext());
    });

    broker.publish('before');
    await clock.advanceTo(10);
    otel = InMemoryOtel.register();
    broker.publish('after');
    await clock.advanceTo(20);

    expect(broker.acked).toEqual(['before', 'after']);
    expect(seen[0]).toBeUndefined();
    expect(seen[1]?.spanId).toBe(otel.span('process greetings').spanContext().spanId);
    expect((await otel.points('messaging.client.consumed.messages')).map((point) => point.value)).toEqual([
      1,
    ]);
  });
});

describe('ConsumerAdapter.system (messaging.system)', () => {
  it.each([
    ['an empty name', ''],
    ['a name that is no string', 42],
  ])('is refused when %s, with KRATOS_CONSUMER_INVALID_OPTIONS naming it', (_what, system) => {
    const broker = new MemoryBroker();
    let error: unknown;
    try {
      new ConsumerServer({
        adapter: { ...broker.adapter, system } as unknown as ConsumerAdapter,
        queue: 'greetings',
        handler: () => undefined,
      });
    } catch (e) {
      error = e;
    }
    expect(isKratosError(error) && error.code).toBe(ConsumerErrorCode.InvalidOptions);
    expect((error as Error).message).toContain(
      "adapter.system must be the broker's name as OpenTelemetry's messaging.system has it ('rabbitmq', 'nats'), or left out",
    );
  });
});
