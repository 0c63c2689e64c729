import { describe, expect, it } from '@jest/globals';
import { isKratosError, KratosError } from '@kratos-ts/core';
import {
  CONSUMER_DEFAULTS,
  ConsumerErrorCode,
  ConsumerServer,
  type ConsumerServerOptions,
} from '@kratos-ts/consumer';
import { recordingLogger } from '@kratos-ts/testing';
import { MemoryBroker } from './support/memory-broker.js';
import { VirtualClock } from './support/virtual-clock.js';

function thrown(make: () => unknown): KratosError {
  try {
    make();
  } catch (error) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('it did not throw');
}

const broker = new MemoryBroker();
const valid: ConsumerServerOptions = {
  adapter: broker.adapter,
  queue: 'greetings',
  handler: () => undefined,
};

describe('ConsumerServer options', () => {
  it('takes valid options, with documented defaults, no endpoint and a drainDelay of 0', () => {
    const consumer = new ConsumerServer(valid);

    expect(consumer.name).toBe('consumer:greetings');
    expect(consumer.queue).toBe('greetings');
    expect(consumer.drainDelay).toBe(0);
    expect('endpoint' in consumer).toBe(false);
    expect(consumer.phase).toBe('idle');
    expect(CONSUMER_DEFAULTS).toEqual({ prefetch: 10, maxAttempts: 5 });
  });

  it.each([
    [
      'an unknown option, with a suggestion',
      { prefech: 5 },
      /unknown option "prefech".*did you mean "prefetch"/,
    ],
    [
      'a prefetch of 0',
      { prefetch: 0 },
      /prefetch must be a whole number of messages from 1 to 65535, got 0/,
    ],
    ['a negative prefetch', { prefetch: -3 }, /prefetch must be .*got -3/],
    ['an empty queue name', { queue: '' }, /queue must be the non-empty name .*got ""/],
    ['a queue name of spaces', { queue: '  ' }, /queue must be the non-empty name/],
    [
      'a concurrency above prefetch',
      { prefetch: 2, concurrency: 3 },
      /concurrency \(3\) must not exceed prefetch \(2\)/,
    ],
    [
      'a maxAttempts of 0',
      { maxAttempts: 0 },
      /maxAttempts must be a whole number of deliveries >= 1.*got 0/,
    ],
    ['a handler that is no function', { handler: 'nope' }, /handler must be an async .*got "nope"/],
    ['an adapter without consume()', { adapter: {} }, /adapter must be a ConsumerAdapter .*consume\(\)/],
    ['a decoder that is no function', { decode: 1 }, /decode must be a .*got 1/],
    ['a logger without its methods', { logger: { info: () => undefined } }, /logger must be a Logger/],
  ])('refuses %s with KRATOS_CONSUMER_INVALID_OPTIONS naming the culprit', (_what, bad, message) => {
    const error = thrown(() => new ConsumerServer({ ...valid, ...bad } as ConsumerServerOptions));

    expect(error.code).toBe(ConsumerErrorCode.InvalidOptions);
    expect(error.message).toMatch(/^ConsumerServer( "[^"]+")? has invalid options:/);
    expect(error.message).toMatch(message);
  });

  it('lists every problem at once', () => {
    const error = thrown(
      () =>
        new ConsumerServer({
          queue: '',
          prefetch: 0,
          handler: undefined,
        } as unknown as ConsumerServerOptions),
    );

    expect(error.errors).toHaveLength(4);
  });

  it('refuses options that are not an object', () => {
    expect(thrown(() => new ConsumerServer(null as unknown as ConsumerServerOptions)).code).toBe(
      ConsumerErrorCode.InvalidOptions,
    );
  });
});

describe('ConsumerServer start and stop (virtual time)', () => {
  function rig(options: Partial<ConsumerServerOptions<{ id: string }>> = {}) {
    const clock = new VirtualClock();
    const memory = new MemoryBroker(() => clock.now());
    const logger = recordingLogger(() => clock.now());
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: memory.adapter,
      queue: 'greetings',
      logger,
      handler: async (message, { signal }) => {
        clock.mark(`handle ${message.id}`);
        await clock.sleep(100, signal);
      },
      ...options,
    });
    return { clock, memory, logger, consumer };
  }

  it('resolves start once the subscription consumes, with the prefetch asked of the broker', async () => {
    const { clock, memory, consumer } = rig({ prefetch: 3 });
    memory.publish('m1');

    await consumer.start(new AbortController().signal);
    await clock.advanceTo(0);

    expect(consumer.phase).toBe('consuming');
    expect(memory.consumes.map(({ queue, prefetch }) => ({ queue, prefetch }))).toEqual([
      { queue: 'greetings', prefetch: 3 },
    ]);
    expect(clock.timeline).toEqual(['0 handle m1']);
  });

  it('stops in order: stop fetching, return the unstarted, finish and ack the running, then close', async () => {
    const { clock, memory, consumer } = rig({ prefetch: 3, concurrency: 1 });
    await consumer.start(new AbortController().signal);
    for (const id of ['m1', 'm2', 'm3']) memory.publish(id);
    await clock.advanceTo(20);

    let report: unknown;
    void consumer.stop(clock.signalAt(30_000)).then((r) => (report = r));
    await clock.advanceTo(200);

    expect(memory.log.filter((line) => !line.startsWith('0 '))).toEqual([
      '20 stopFetching',
      '20 requeue m2',
      '20 requeue m3',
      '100 ack m1',
      '100 close',
    ]);
    expect(report).toEqual({ abandoned: 0 });
    expect(consumer.phase).toBe('stopped');
  });

  it('at stopTimeout: aborts the handlers, returns their messages, closes, and resolves { abandoned }', async () => {
    const { clock, memory, consumer, logger } = rig({
      handler: (_message, { signal }) => clock.sleep(60_000, signal),
    });
    await consumer.start(new AbortController().signal);
    memory.publish('m1');
    memory.publish('m2');
    await clock.advanceTo(10);

    let report: unknown;
    void consumer.stop(clock.signalAt(1_000)).then((r) => (report = r));
    await clock.advanceTo(1_000);

    expect(report).toEqual({ abandoned: 2 });
    expect(memory.log.filter((line) => line.startsWith('1000 '))).toEqual([
      '1000 requeue m1',
      '1000 requeue m2',
      '1000 close',
    ]);
    expect(memory.acked).toEqual([]);
    expect(logger.records.find((record) => record.level === 'warn')?.msg).toMatch(
      /Consumer "consumer:greetings" abandoned 2 running handlers at stopTimeout/,
    );
  });

  it('ends the stop by its signal when the broker hangs on close, and logs it', async () => {
    const { clock, memory, consumer, logger } = rig();
    await consumer.start(new AbortController().signal);
    memory.faults.closeHangs = true;

    let report: unknown;
    void consumer.stop(clock.signalAt(500)).then((r) => (report = r));
    await clock.advanceTo(499);
    expect(report).toBeUndefined();
    await clock.advanceTo(500);

    expect(report).toEqual({ abandoned: 0 });
    const error = logger.records.find((record) => record.level === 'error');
    expect(error?.fields).toMatchObject({
      code: ConsumerErrorCode.CloseFailed,
      server: 'consumer:greetings',
    });
  });

  it('logs a close that fails, and still resolves', async () => {
    const { clock, memory, consumer, logger } = rig();
    await consumer.start(new AbortController().signal);
    memory.faults.closeFails = new Error('connection reset');

    let report: unknown;
    void consumer.stop(clock.signalAt(500)).then((r) => (report = r));
    await clock.advanceTo(0);

    expect(report).toEqual({ abandoned: 0 });
    expect(logger.records.find((record) => record.level === 'error')?.msg).toMatch(
      /could not close its subscription: connection reset/,
    );
  });

  it('rejects start with KRATOS_CONSUMER_SUBSCRIBE_FAILED when the adapter cannot consume, keeping the cause', async () => {
    const { memory, consumer } = rig();
    const cause = new Error('NOT_FOUND - no queue greetings');
    memory.faults.consumeFails = cause;

    const error = await consumer.start(new AbortController().signal).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KratosError);
    expect((error as KratosError).code).toBe(ConsumerErrorCode.SubscribeFailed);
    expect((error as KratosError).message).toMatch(
      /"consumer:greetings" could not start consuming from "greetings": NOT_FOUND/,
    );
    expect((error as KratosError).cause).toBe(cause);
    expect(consumer.phase).toBe('idle');
  });

  it('rejects start when its signal aborts before the adapter consumes', async () => {
    const { memory, consumer } = rig();
    memory.faults.consumeHangs = true;
    const controller = new AbortController();

    const started = consumer.start(controller.signal).catch((e: unknown) => e);
    controller.abort(new Error('startTimeout'));

    expect(((await started) as KratosError).code).toBe(ConsumerErrorCode.SubscribeFailed);
  });

  it('shares one drain between two stop calls', async () => {
    const { clock, memory, consumer } = rig();
    await consumer.start(new AbortController().signal);
    memory.publish('m1');
    await clock.advanceTo(10);

    const first = consumer.stop(clock.signalAt(30_000));
    const second = consumer.stop(clock.signalAt(30_000));
    await clock.advanceTo(200);

    expect(second).toBe(first);
    await expect(second).resolves.toEqual({ abandoned: 0 });
    expect(memory.log.filter((line) => line.endsWith('close'))).toEqual(['100 close']);
  });

  it('returns what was delivered when start fails after messages arrived', async () => {
    const { clock, memory } = rig();
    memory.publish('early');
    const adapter = memory.adapter;
    // An adapter that delivers, then fails to confirm the subscription.
    const failing = new ConsumerServer<{ id: string }>({
      adapter: {
        consume: async (options) => {
          await adapter.consume(options);
          await Promise.resolve(); // the first delivery reaches the handler meanwhile
          throw new Error('channel closed during consume-ok');
        },
      },
      queue: 'greetings',
      handler: (_message, { signal }) => clock.sleep(1_000, signal),
    });

    const error = await failing.start(new AbortController().signal).catch((e: unknown) => e);
    await clock.advanceTo(0);

    expect((error as KratosError).code).toBe(ConsumerErrorCode.SubscribeFailed);
    expect(memory.log).toContain('0 requeue early');
  });

  it('refuses a second start while consuming', async () => {
    const { consumer } = rig();
    await consumer.start(new AbortController().signal);

    const error = await consumer.start(new AbortController().signal).catch((e: unknown) => e);

    expect((error as KratosError).code).toBe(ConsumerErrorCode.AlreadyStarted);
  });

  it('resolves a stop of a consumer that never started with nothing abandoned', async () => {
    const { consumer } = rig();

    await expect(consumer.stop(new AbortController().signal)).resolves.toEqual({ abandoned: 0 });
  });
});
