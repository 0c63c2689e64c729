import { describe, expect, it } from '@jest/globals';
import { recordingLogger, type RecordingLogger } from '@kratos-ts/testing';
import {
  ConsumerDrain,
  ConsumerErrorCode,
  jsonDecoder,
  type ConsumerHandler,
  type ConsumerSubscription,
  type MessageDecoder,
} from '@kratos-ts/consumer';
import { MemoryBroker } from './support/memory-broker.js';
import { VirtualClock } from './support/virtual-clock.js';

// The drain's state machine, in virtual time: handler durations and the stop signal run on a
// TestScheduler; the broker is the in-memory double.

interface Setup<T> {
  readonly handler: ConsumerHandler<T>;
  readonly prefetch?: number;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly decode?: MessageDecoder<T>;
}

interface Rig<T> {
  readonly clock: VirtualClock;
  readonly broker: MemoryBroker;
  readonly drain: ConsumerDrain<T>;
  readonly logger: RecordingLogger;
  readonly subscription: ConsumerSubscription;
}

async function rig<T = { id: string }>(setup: Setup<T>): Promise<Rig<T>> {
  const clock = new VirtualClock();
  const broker = new MemoryBroker(() => clock.now());
  const logger = recordingLogger(() => clock.now());
  const drain = new ConsumerDrain<T>({
    queue: 'greetings',
    handler: setup.handler,
    decode: setup.decode ?? (jsonDecoder as MessageDecoder<T>),
    maxAttempts: setup.maxAttempts ?? 5,
    concurrency: setup.concurrency ?? setup.prefetch ?? 10,
    logger,
  });
  const subscription = await broker.adapter.consume({
    queue: 'greetings',
    prefetch: setup.prefetch ?? 10,
    signal: new AbortController().signal,
    deliver: (delivery) => drain.receive(delivery),
  });
  await clock.advanceTo(0);
  return { clock, broker, drain, logger, subscription };
}

/** A handler that takes `ms` of virtual time per message (per id when a map), honouring its signal. */
function sleeper(clock: VirtualClock, ms: number | Record<string, number>): ConsumerHandler<{ id: string }> {
  return async (message, { signal }) => {
    clock.mark(`handle ${message.id}`);
    await clock.sleep(typeof ms === 'number' ? ms : (ms[message.id] ?? 0), signal);
    clock.mark(`handled ${message.id}`);
  };
}

describe('ConsumerDrain (virtual time)', () => {
  it('acks a message whose handler returns without a promise', async () => {
    const { clock, broker } = await rig({ handler: () => undefined });
    broker.publish('m1');
    await clock.advanceTo(0);

    expect(broker.acked).toEqual(['m1']);
  });

  it('runs each message once, settles it once, and acks at the instant its handler resolves', async () => {
    const the: Rig<{ id: string }> = await rig({
      handler: (m, c) => sleeper(the.clock, { m1: 30, m2: 10 })(m, c),
    });
    const { clock, broker } = the;
    broker.publish('m1');
    broker.publish('m2');
    await clock.advanceTo(100);

    expect(broker.log).toEqual([
      '0 consume greetings prefetch=10',
      '0 deliver m1#1',
      '0 deliver m2#1',
      '10 ack m2',
      '30 ack m1',
    ]);
    expect(broker.settledTwice).toEqual([]);
  });

  it('retries a failing message with its attempt count, then dead-letters it at maxAttempts with an error log naming queue, id and cause', async () => {
    const attempts: number[] = [];
    const { clock, broker, logger } = await rig({
      maxAttempts: 3,
      handler: (_message, { attempt }) => {
        attempts.push(attempt);
        return Promise.reject(new Error('db down'));
      },
    });
    broker.publish('m1');
    await clock.advanceTo(10);

    expect(attempts).toEqual([1, 2, 3]);
    expect(broker.log.filter((line) => !line.includes('deliver'))).toEqual([
      '0 consume greetings prefetch=10',
      '0 retry m1',
      '0 retry m1',
      '0 deadLetter m1',
    ]);
    expect(broker.dead).toEqual([
      { id: 'm1', reason: expect.stringContaining('db down') as unknown as string },
    ]);
    const warnings = logger.records.filter((record) => record.level === 'warn');
    expect(warnings.map((record) => record.fields)).toEqual([
      expect.objectContaining({ code: ConsumerErrorCode.HandlerFailed, messageId: 'm1', attempt: 1 }),
      expect.objectContaining({ code: ConsumerErrorCode.HandlerFailed, messageId: 'm1', attempt: 2 }),
    ]);
    const errors = logger.records.filter((record) => record.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields).toMatchObject({
      code: ConsumerErrorCode.MessageDeadLettered,
      queue: 'greetings',
      messageId: 'm1',
      attempt: 3,
    });
    expect(errors[0]?.msg).toMatch(/queue "greetings".*message "m1".*after 3 attempts.*db down/);
  });

  it('dead-letters a poison message at once, without retries, and goes on with the next', async () => {
    const handled: string[] = [];
    const { clock, broker, logger } = await rig({
      handler: (message: { id: string }) => void handled.push(message.id),
    });
    broker.publish('poison', 'not json {');
    broker.publish('m2');
    await clock.advanceTo(10);

    expect(broker.dead.map((entry) => entry.id)).toEqual(['poison']);
    expect(broker.log).not.toContain('0 retry poison');
    expect(handled).toEqual(['m2']);
    expect(broker.acked).toEqual(['m2']);
    const [error] = logger.records.filter((record) => record.level === 'error');
    expect(error?.fields).toMatchObject({ code: ConsumerErrorCode.MessageDeadLettered, messageId: 'poison' });
    expect(error?.msg).toMatch(/queue "greetings".*message "poison".*at once.*could not be decoded/);
  });

  it('keeps going when a handler throws synchronously, or throws something that is not an Error', async () => {
    const { clock, broker } = await rig({
      maxAttempts: 1,
      handler: (message: { id: string }) => {
        if (message.id === 'sync') throw new Error('sync throw');
        if (message.id === 'odd') throw Object.create(null) as Error;
      },
    });
    broker.publish('sync');
    broker.publish('odd');
    broker.publish('ok');
    await clock.advanceTo(10);

    expect(broker.dead.map((entry) => entry.id)).toEqual(['sync', 'odd']);
    expect(broker.acked).toEqual(['ok']);
  });

  it('drains in order: stops fetching, returns the unstarted at once, finishes and acks the running, then resolves', async () => {
    const the: Rig<{ id: string }> = await rig({
      prefetch: 3,
      concurrency: 1,
      handler: (m, c) => sleeper(the.clock, 100)(m, c),
    });
    const { clock, broker, drain, subscription } = the;
    for (const id of ['m1', 'm2', 'm3', 'm4']) broker.publish(id);
    await clock.advanceTo(10);

    let stoppedAt = -1;
    void drain
      .stop(clock.signalAt(30_000), () => subscription.stopFetching())
      .then((report) => {
        stoppedAt = clock.now();
        clock.mark(`stopped abandoned=${report.abandoned}`);
      });
    await clock.advanceTo(200);

    expect(broker.log.filter((line) => !line.startsWith('0 '))).toEqual([
      '10 stopFetching',
      '10 requeue m2',
      '10 requeue m3',
      '100 ack m1',
    ]);
    expect(stoppedAt).toBe(100);
    expect(clock.timeline).toContain('100 stopped abandoned=0');
    expect(broker.ready.map((message) => message.id)).toEqual(['m2', 'm3', 'm4']);
    expect(drain.phase).toBe('stopped');
  });

  it('returns a message that arrives once the drain began, without running it', async () => {
    const the: Rig<{ id: string }> = await rig({ handler: (m, c) => sleeper(the.clock, 50)(m, c) });
    const { clock, broker, drain } = the;
    broker.publish('m1');
    await clock.advanceTo(10);
    // A stopFetching that does not stop the broker at once: a delivery is still on its way.
    void drain.stop(clock.signalAt(30_000), () => broker.publish('late'));
    await clock.advanceTo(100);

    expect(clock.timeline).not.toContain('10 handle late');
    expect(broker.log).toContain('10 requeue late');
    expect(broker.acked).toEqual(['m1']);
  });

  it('resolves at once when nothing runs', async () => {
    const { clock, drain, subscription } = await rig({ handler: () => undefined });
    let report: unknown;
    void drain.stop(clock.signalAt(30_000), () => subscription.stopFetching()).then((r) => (report = r));
    await clock.advanceTo(0);

    expect(report).toEqual({ abandoned: 0 });
  });

  it('abandons at the stop signal: the handlers signals abort, their messages go back, it resolves { abandoned }', async () => {
    const aborted: string[] = [];
    const the: Rig<{ id: string }> = await rig({
      handler: async (message, { signal }) => {
        signal.addEventListener('abort', () => aborted.push(`${message.id} at ${the.clock.now()}`));
        await the.clock.sleep(message.id === 'quick' ? 20 : 10_000, signal);
      },
    });
    const { clock, broker, drain, subscription } = the;
    broker.publish('quick');
    broker.publish('slow1');
    broker.publish('slow2');
    await clock.advanceTo(5);

    let report: unknown;
    void drain.stop(clock.signalAt(500), () => subscription.stopFetching()).then((r) => (report = r));
    await clock.advanceTo(499);
    expect(report).toBeUndefined();
    await clock.advanceTo(500);

    expect(report).toEqual({ abandoned: 2 });
    expect(aborted).toEqual(['slow1 at 500', 'slow2 at 500']);
    expect(broker.acked).toEqual(['quick']);
    expect(broker.log).toEqual(expect.arrayContaining(['500 requeue slow1', '500 requeue slow2']));
    expect(broker.ready.map((message) => message.id)).toEqual(['slow1', 'slow2']);
  });

  it('bounds a handler that never settles by the stop signal, and never acks it afterwards', async () => {
    let finish: () => void = () => undefined;
    const { clock, broker, drain, subscription } = await rig({
      handler: () => new Promise<void>((resolve) => (finish = resolve)),
    });
    broker.publish('stuck');
    await clock.advanceTo(1);

    let report: unknown;
    void drain.stop(clock.signalAt(1_000), () => subscription.stopFetching()).then((r) => (report = r));
    await clock.advanceTo(1_000);
    expect(report).toEqual({ abandoned: 1 });

    finish();
    await clock.advanceTo(2_000);
    expect(broker.acked).toEqual([]);
    expect(broker.settledTwice).toEqual([]);
  });

  it('gives a handler that reads its signal only after being abandoned a signal already aborted with the stop reason', async () => {
    let signalOf: (() => AbortSignal) | undefined;
    const seen: { id: string; attempt: number }[] = [];
    const { clock, broker, drain, subscription } = await rig({
      handler: (_message, context) => {
        seen.push({ id: context.id, attempt: context.attempt });
        signalOf = () => context.signal;
        return new Promise<void>(() => undefined);
      },
    });
    broker.publish('stuck');
    await clock.advanceTo(1);

    const stop = clock.signalAt(1_000);
    void drain.stop(stop, () => subscription.stopFetching());
    await clock.advanceTo(1_000);
    const signal = signalOf?.();
    expect(seen).toEqual([{ id: 'stuck', attempt: 1 }]);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(stop.reason);
    // Read again: the same signal.
    expect(signalOf?.()).toBe(signal);
  });

  it('ends by the stop signal when the broker hangs on stopFetching, and logs it', async () => {
    const { clock, broker, drain, subscription, logger } = await rig({ handler: () => undefined });
    broker.faults.stopFetchingHangs = true;

    let report: unknown;
    void drain.stop(clock.signalAt(300), () => subscription.stopFetching()).then((r) => (report = r));
    await clock.advanceTo(300);

    expect(report).toEqual({ abandoned: 0 });
    const [error] = logger.records.filter((record) => record.level === 'error');
    expect(error?.fields).toMatchObject({ code: ConsumerErrorCode.CloseFailed, queue: 'greetings' });
  });

  it('logs a settlement the broker refuses, and never leaves it unhandled', async () => {
    const { clock, broker, drain, subscription, logger } = await rig({ handler: () => undefined });
    broker.faults.settleFails = new Error('channel closed');
    broker.publish('m1');
    await clock.advanceTo(1);

    let report: unknown;
    void drain.stop(clock.signalAt(300), () => subscription.stopFetching()).then((r) => (report = r));
    await clock.advanceTo(1);

    expect(report).toEqual({ abandoned: 0 });
    const [warning] = logger.records.filter((record) => record.level === 'warn');
    expect(warning?.fields).toMatchObject({
      code: ConsumerErrorCode.SettleFailed,
      messageId: 'm1',
      settlement: 'ack',
    });
    expect(warning?.msg).toMatch(/could not ack message "m1": channel closed/);
  });

  it('runs at most `concurrency` handlers and starts the next as one finishes', async () => {
    const the: Rig<{ id: string }> = await rig({
      prefetch: 4,
      concurrency: 2,
      handler: (m, c) => sleeper(the.clock, 10)(m, c),
    });
    const { clock, broker } = the;
    for (const id of ['a', 'b', 'c', 'd']) broker.publish(id);
    await clock.advanceTo(30);

    expect(clock.timeline.filter((line) => line.includes('handle '))).toEqual([
      '0 handle a',
      '0 handle b',
      '10 handle c',
      '10 handle d',
    ]);
  });
});
