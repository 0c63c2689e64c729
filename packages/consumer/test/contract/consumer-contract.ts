import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsumerErrorCode, ConsumerServer, type ConsumerHandler } from '@kratos-ts/consumer';
import { isKratosError } from '@kratos-ts/core';
import type { BrokerFixture, ContractConnection, ContractQueue } from './broker-fixture.js';
import { gate, recordingLogger, until, type Gate, type LogLine } from './contract-support.js';
import { recordingAdapter, Timeline } from './recording-adapter.js';

/** A stop signal that never aborts within a case (the drain is awaited, not cut short). */
const PATIENT_STOP_MS = 30_000;
/** What a stop may take beyond its signal on a loaded CI machine: the "+ a small bound". */
const STOP_SLACK_MS = 2_000;

type Message = { readonly id: string; readonly poison?: boolean };

/**
 * The consumer contract of issue 15, written once and run against each adapter on a real broker
 * (`amqp.contract.int.spec.ts`, `nats.contract.int.spec.ts`): the drain's order, the exact requeue
 * of unstarted messages, abandonment at `stopTimeout`, poison and undecodable messages, a broker
 * restart while consuming, the broker unreachable during the stop, and publish confirms. Each case
 * drives a real `ConsumerServer` on the adapter and the shared connection, records what the
 * consumer asks of its adapter (`recordingAdapter`), and asserts what the broker then holds.
 */
export function describeConsumerContract(fixture: BrokerFixture): void {
  describe(`the consumer contract on ${fixture.broker}`, () => {
    const stops: (() => Promise<unknown>)[] = [];
    const gates: Gate[] = [];
    let sequence = 0;

    beforeAll(async () => {
      await fixture.start();
    }, 120_000);

    afterEach(async () => {
      for (const held of gates.splice(0)) held.open();
      for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    }, 30_000);

    afterAll(async () => {
      await fixture.dispose();
    }, 120_000);

    /** Ids unique across the run: JetStream de-duplicates a stream's messages by id. */
    const ids = (queue: ContractQueue, ...names: string[]): string[] =>
      names.map((name) => `${queue.name}-${name}`);

    const closedGate = (): Gate => {
      const made = gate();
      gates.push(made);
      return made;
    };

    async function connect(lines?: LogLine[]): Promise<ContractConnection> {
      const connection = await fixture.openConnection(lines && recordingLogger(lines));
      stops.push(() => connection.close(AbortSignal.timeout(2_000)));
      return connection;
    }

    /** A started consumer on `queue`, recording on `timeline`. */
    async function consumer(
      connection: ContractConnection,
      queue: ContractQueue,
      timeline: Timeline,
      options: {
        handler: ConsumerHandler<Message>;
        prefetch?: number;
        concurrency?: number;
        maxAttempts?: number;
        lines?: LogLine[];
      },
    ): Promise<ConsumerServer<Message>> {
      sequence += 1;
      const server = new ConsumerServer<Message>({
        adapter: recordingAdapter(connection.adapter(queue), timeline),
        name: `contract-${sequence}`,
        queue: queue.queue,
        handler: options.handler,
        ...(options.prefetch === undefined ? {} : { prefetch: options.prefetch }),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
        ...(options.lines === undefined ? {} : { logger: recordingLogger(options.lines) }),
      });
      await server.start(AbortSignal.timeout(20_000));
      stops.push(() => server.stop(AbortSignal.timeout(2_000)));
      return server;
    }

    async function other(
      queue: ContractQueue,
    ): Promise<{ taken: () => string[]; lastAt: () => number; close: () => Promise<void> }> {
      const started = await fixture.otherConsumer(queue);
      stops.push(() => started.close());
      return {
        taken: () => started.taken.map((entry) => entry.id),
        lastAt: () => Math.max(...started.taken.map((entry) => entry.at)),
        close: () => started.close(),
      };
    }

    /** Publishes each id in turn, each confirmed before the next. */
    async function publish(
      connection: ContractConnection,
      queue: ContractQueue,
      list: string[],
    ): Promise<void> {
      for (const id of list) await connection.publish(queue, id);
    }

    it('drain order: fetching stops first, the unstarted go back and are taken by another consumer before the running handlers end, those are acked, the subscription closes last', async () => {
      const queue = await fixture.freshQueue();
      const connection = await connect();
      const timeline = new Timeline();
      const release = closedGate();
      const all = ids(queue, 'm1', 'm2', 'm3', 'm4', 'm5');
      const server = await consumer(connection, queue, timeline, {
        prefetch: 5,
        concurrency: 2,
        handler: async ({ id }) => {
          timeline.add('handler-start', id);
          await release.opened;
          timeline.add('handler-end', id);
        },
      });
      await publish(connection, queue, all);
      await until(
        () => timeline.ids('deliver').length === 5 && timeline.ids('handler-start').length === 2,
        'all 5 delivered, 2 running',
      );
      const running = timeline.ids('handler-start');
      const unstarted = all.filter((id) => !running.includes(id));
      const another = await other(queue);

      const stopAt = performance.now();
      const stopping = server.stop(AbortSignal.timeout(PATIENT_STOP_MS));
      await until(() => another.taken().length === 3, 'the 3 unstarted taken by the other consumer');
      const requeuedMs = another.lastAt() - stopAt;
      // Taken while both handlers still run: returned at once, not at the end of the drain.
      expect(timeline.ids('handler-end')).toEqual([]);
      expect(server.phase).toBe('stopping');
      expect([...another.taken()].sort()).toEqual([...unstarted].sort());

      // Published after the stop began: for the other consumer, never for a handler of this one.
      const late = ids(queue, 'late1', 'late2');
      await publish(connection, queue, late);
      await until(() => another.taken().length === 5, 'the 2 late messages taken by the other consumer');

      release.open();
      expect(await stopping).toEqual({ abandoned: 0 });
      expect(server.phase).toBe('stopped');
      const stopAsked = timeline.first('stopFetching');
      expect(stopAsked).toBeGreaterThanOrEqual(0);
      expect(timeline.ids('handler-start')).toEqual(running); // none started after
      expect(timeline.steps.slice(stopAsked).filter((step) => step.what === 'handler-start')).toEqual([]);
      expect([...timeline.ids('requeue')].sort()).toEqual([...unstarted].sort());
      expect(timeline.ids('ack').sort()).toEqual([...running].sort());
      for (const id of unstarted) {
        expect(timeline.first('requeue', id)).toBeGreaterThan(stopAsked);
        expect(timeline.first('requeue', id)).toBeLessThan(timeline.first('handler-end'));
      }
      for (const id of running) {
        expect(timeline.first('ack', id)).toBeGreaterThan(timeline.first('handler-end', id));
        // Answered by the broker (not only asked) before the subscription's close is asked.
        expect(timeline.first('acked', id)).toBeGreaterThan(timeline.first('ack', id));
        expect(timeline.first('acked', id)).toBeLessThan(timeline.first('close'));
      }
      expect(timeline.steps.at(-1)?.what).toBe('closed');

      await another.close();
      expect(await fixture.held(queue)).toBe(0); // the running ones acked, nothing left behind
      expect([...another.taken()].sort()).toEqual([...unstarted, ...late].sort());
      process.stdout.write(
        `[contract figure] ${fixture.broker}, stop() → the 3 unstarted messages on another consumer: ${requeuedMs.toFixed(1)} ms\n`,
      );
    });

    it('requeue of the unstarted: exactly what was prefetched minus what ran goes back, none lost, none acked; the prefetch bounds what one consumer holds', async () => {
      const queue = await fixture.freshQueue();
      const connection = await connect();
      const timeline = new Timeline();
      const release = closedGate();
      const all = ids(queue, 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9');
      const server = await consumer(connection, queue, timeline, {
        prefetch: 7,
        concurrency: 3,
        handler: async ({ id }) => {
          timeline.add('handler-start', id);
          await release.opened;
        },
      });
      await publish(connection, queue, all);
      await until(
        () => timeline.ids('deliver').length === 7 && timeline.ids('handler-start').length === 3,
        '7 prefetched, 3 running',
      );
      // Beyond the prefetch, the rest stayed on the broker, for another instance.
      await until(
        async () => (await fixture.undelivered(queue)) === 2,
        'the 2 beyond the prefetch left on the broker',
      );
      const prefetched = timeline.ids('deliver');
      const beyond = all.filter((id) => !prefetched.includes(id));
      expect(beyond).toHaveLength(2);

      const ran = timeline.ids('handler-start');
      const stopping = server.stop(AbortSignal.timeout(PATIENT_STOP_MS));
      await until(() => timeline.ids('requeued').length === 4, 'the 4 unstarted returned');
      release.open();
      expect(await stopping).toEqual({ abandoned: 0 });

      // Counted on the broker, with no consumer open: the 4 returned and the 2 never delivered; the
      // 3 that ran acked. Waited for: a JetStream nak() is not confirmed, the server counts it a
      // moment later (RabbitMQ's nack is in by the channel's close).
      await until(
        async () => (await fixture.held(queue)) === 6,
        'the broker holds exactly the 4 returned and the 2 beyond',
      );
      expect(timeline.ids('requeue')).toHaveLength(4);
      expect(timeline.ids('acked').sort()).toEqual([...ran].sort());
      const another = await other(queue);
      await until(() => another.taken().length === 6, 'the 6 held taken by another consumer');
      await another.close();
      const unstarted = prefetched.filter((id) => !ran.includes(id));
      expect([...another.taken()].sort()).toEqual([...unstarted, ...beyond].sort());
      expect(await fixture.held(queue)).toBe(0);
    });

    it('stop under a steady stream: every message is handled exactly once by this consumer or another instance, none held back until an ack timeout', async () => {
      const queue = await fixture.freshQueue();
      const connection = await connect();
      const timeline = new Timeline();
      const handled: string[] = [];
      const server = await consumer(connection, queue, timeline, {
        prefetch: 10,
        handler: async ({ id }) => {
          await new Promise((resolve) => setTimeout(resolve, 1 + (handled.length % 20)));
          handled.push(id);
        },
      });
      const another = await other(queue);
      const all = Array.from({ length: 300 }, (_, index) => `${queue.name}-s${index}`);
      let stopping: Promise<unknown> | undefined;
      for (const [index, id] of all.entries()) {
        await connection.publish(queue, id);
        if (index === 100) stopping = server.stop(AbortSignal.timeout(PATIENT_STOP_MS));
      }
      expect(await stopping).toEqual({ abandoned: 0 });
      // Well within an ack timeout (JetStream's 30 s): a message the stop held back would miss it.
      await until(
        () => handled.length + another.taken().length >= all.length,
        'every message handled by one of the two',
        10_000,
      );
      await another.close();
      const seen = [...handled, ...another.taken()];
      const twice = seen.filter((id, index) => seen.indexOf(id) !== index);
      expect(twice).toEqual([]);
      expect(seen.sort()).toEqual([...all].sort());
      expect(handled.length).toBeGreaterThan(0);
      expect(await fixture.held(queue)).toBe(0);
      process.stdout.write(
        `[contract figure] ${fixture.broker}, stop under a steady stream: ${handled.length} handled here, ${another.taken().length} by the other instance, 0 twice\n`,
      );
    });

    it('abandonment at stopTimeout: the stop ends when its signal aborts, { abandoned: 2 }, the handlers are told, their messages go back unacked', async () => {
      const queue = await fixture.freshQueue();
      const connection = await connect();
      const timeline = new Timeline();
      const never = closedGate();
      const signals = new Map<string, AbortSignal>();
      const server = await consumer(connection, queue, timeline, {
        prefetch: 2,
        handler: async ({ id }, { signal }) => {
          signals.set(id, signal);
          await never.opened; // ignores its signal
        },
      });
      const stuck = ids(queue, 's1', 's2');
      await publish(connection, queue, stuck);
      await until(() => signals.size === 2, 'both handlers running');
      const another = await other(queue);

      const stopMs = 800;
      const at = performance.now();
      const report = await server.stop(AbortSignal.timeout(stopMs));
      const tookMs = performance.now() - at;
      expect(report).toEqual({ abandoned: 2 });
      expect(tookMs).toBeGreaterThanOrEqual(stopMs - 50);
      expect(tookMs).toBeLessThan(stopMs + STOP_SLACK_MS);
      expect([...signals.values()].map((signal) => signal.aborted)).toEqual([true, true]);
      await until(() => another.taken().length === 2, 'both abandoned messages taken by another consumer');
      expect([...another.taken()].sort()).toEqual([...stuck].sort());

      never.open(); // the abandoned handlers end late: nothing of theirs is acked
      await new Promise((resolve) => setImmediate(resolve));
      expect(timeline.ids('ack')).toEqual([]);
      expect(timeline.ids('requeue').sort()).toEqual([...stuck].sort());
      await another.close();
      expect(await fixture.held(queue)).toBe(0);
    });

    it('poison: a handler that always throws gets exactly maxAttempts deliveries, then the message is dead-lettered with an error log naming queue, id and cause; the consumer goes on', async () => {
      const queue = await fixture.freshQueue();
      const connection = await connect();
      const timeline = new Timeline();
      const lines: LogLine[] = [];
      const attempts: number[] = [];
      const handled: string[] = [];
      const [poison, next] = ids(queue, 'poison', 'next') as [string, string];
      const server = await consumer(connection, queue, timeline, {
        maxAttempts: 3,
        lines,
        handler: ({ id, poison: isPoison }, { attempt }) => {
          if (isPoison) {
            attempts.push(attempt);
            throw new Error('contract poison');
          }
          handled.push(id);
        },
      });
      await connection.publish(queue, poison, JSON.stringify({ id: poison, poison: true }));
      await until(async () => (await fixture.deadLetters(queue)).length === 1, 'the poison dead-lettered');
      await connection.publish(queue, next);
      await until(() => handled.includes(next), 'the next message handled');

      expect(attempts).toEqual([1, 2, 3]);
      expect(await fixture.deadLetters(queue)).toEqual([poison]);
      expect(timeline.ids('deadLetter')).toEqual([poison]);
      const deadLines = lines.filter((line) => line.fields['code'] === ConsumerErrorCode.MessageDeadLettered);
      expect(deadLines).toHaveLength(1);
      expect(deadLines[0]).toMatchObject({
        level: 'error',
        fields: { queue: queue.queue, messageId: poison, attempt: 3 },
      });
      expect(deadLines[0]?.message).toContain(`"${queue.queue}"`);
      expect(deadLines[0]?.message).toContain(poison);
      expect(deadLines[0]?.message).toContain('contract poison');

      expect(await server.stop(AbortSignal.timeout(PATIENT_STOP_MS))).toEqual({ abandoned: 0 });
      expect(await fixture.held(queue)).toBe(0); // no 4th attempt waiting anywhere
    });

    it('undecodable: a message that is not JSON is dead-lettered at once, after 1 attempt, never reaching the handler', async () => {
      const queue = await fixture.freshQueue();
      const connection = await connect();
      const timeline = new Timeline();
      const lines: LogLine[] = [];
      const handled: string[] = [];
      const [bad, next] = ids(queue, 'bad', 'next') as [string, string];
      const server = await consumer(connection, queue, timeline, {
        lines,
        handler: ({ id }) => void handled.push(id),
      });
      await connection.publish(queue, bad, 'not json {');
      await connection.publish(queue, next);
      await until(
        async () => handled.includes(next) && (await fixture.deadLetters(queue)).length === 1,
        'the bad one dead-lettered, the next handled',
      );
      expect(handled).toEqual([next]);
      expect(await fixture.deadLetters(queue)).toEqual([bad]);
      expect(timeline.ids('deliver').filter((id) => id === bad)).toHaveLength(1);
      expect(timeline.ids('retry')).toEqual([]);
      const deadLines = lines.filter((line) => line.fields['code'] === ConsumerErrorCode.MessageDeadLettered);
      expect(deadLines.map((line) => line.fields['messageId'])).toEqual([bad]);
      expect(deadLines[0]?.fields['attempt']).toBe(1);
      await server.stop(AbortSignal.timeout(PATIENT_STOP_MS));
      expect(await fixture.held(queue)).toBe(0);
    });

    it('broker restart while consuming: the consumer resumes on its own; nothing published and confirmed is lost', async () => {
      // A running handler's ack may be lost with the broker: JetStream redelivers it after ack_wait.
      const queue = await fixture.freshQueue({ ackWaitMs: 2_000 });
      const connection = await connect();
      const timeline = new Timeline();
      const handled: string[] = [];
      const release = closedGate();
      const [inflight] = ids(queue, 'inflight') as [string];
      const server = await consumer(connection, queue, timeline, {
        handler: async ({ id }) => {
          if (id === inflight && !handled.includes(id)) await release.opened;
          handled.push(id);
        },
      });
      const before = ids(queue, 'b1', 'b2', 'b3');
      await publish(connection, queue, [...before, inflight]);
      await until(
        () => before.every((id) => handled.includes(id)) && timeline.ids('deliver').includes(inflight),
        'handled before the restart',
      );

      await fixture.stopBroker();
      release.open(); // its ack goes to a broker that is gone
      await fixture.startBroker();
      const after = ids(queue, 'a1', 'a2', 'a3');
      for (const id of after) {
        // Confirmed once the connection is back: until then publish rejects, and is retried.
        await until(
          () =>
            connection.publish(queue, id).then(
              () => true,
              () => false,
            ),
          `publish ${id} confirmed after the restart`,
          30_000,
        );
      }
      await until(
        () => [...before, inflight, ...after].every((id) => handled.includes(id)),
        'every confirmed message handled',
        30_000,
      );
      // Resumed by itself: one subscription, no second start.
      expect(server.phase).toBe('consuming');
      await until(async () => (await fixture.held(queue)) === 0, 'nothing left on the broker', 30_000);
      expect(await server.stop(AbortSignal.timeout(PATIENT_STOP_MS))).toEqual({ abandoned: 0 });
      expect(await fixture.held(queue)).toBe(0);
      // At least once across a broker loss: only the in-flight one may have run twice.
      for (const id of [...before, ...after]) expect(handled.filter((seen) => seen === id)).toHaveLength(1);
    }, 120_000);

    for (const outage of fixture.outages) {
      it(`broker down during stop (${outage}): the stop ends within its timeout, never hangs, never rejects; the abandoned message is back once the broker is`, async () => {
        const queue = await fixture.freshQueue({ ackWaitMs: 2_000 });
        const connection = await connect();
        const timeline = new Timeline();
        const finish = closedGate();
        const never = closedGate();
        const started: string[] = [];
        const [finishing, stuck] = ids(queue, 'finishing', 'stuck') as [string, string];
        const server = await consumer(connection, queue, timeline, {
          prefetch: 2,
          handler: async ({ id }) => {
            started.push(id);
            await (id === stuck ? never.opened : finish.opened);
          },
        });
        await publish(connection, queue, [finishing, stuck]);
        await until(() => started.length === 2, 'both handlers running');

        await fixture.outage(outage);
        let restored = false;
        try {
          const stopMs = 800;
          const at = performance.now();
          const stopping = server.stop(AbortSignal.timeout(stopMs));
          finish.open(); // its ack goes to an unreachable broker
          const hung = new Promise<'hung'>((resolve) =>
            setTimeout(() => resolve('hung'), stopMs + 10_000).unref(),
          );
          const report = await Promise.race([stopping, hung]);
          const tookMs = performance.now() - at;
          expect(report).toEqual({ abandoned: 1 });
          expect(tookMs).toBeLessThan(stopMs + STOP_SLACK_MS);
          // The connection's close (the @AfterStop hook) is bounded by its signal too.
          const closeAt = performance.now();
          await connection.close(AbortSignal.timeout(500));
          expect(performance.now() - closeAt).toBeLessThan(500 + STOP_SLACK_MS);
          process.stdout.write(
            `[contract figure] ${fixture.broker}, broker ${outage === 'kill' ? 'killed' : 'frozen'}: stop ${tookMs.toFixed(0)} ms (signal ${stopMs} ms)\n`,
          );

          await fixture.restore(outage);
          restored = true;
          // Never acked: back on the broker (channel gone; JetStream's ack_wait), for another instance.
          const another = await other(queue);
          await until(() => another.taken().includes(stuck), 'the abandoned message taken again', 60_000);
          await another.close();
        } finally {
          if (!restored) await fixture.restore(outage);
        }
      }, 120_000);
    }

    for (const outage of fixture.publishOutages) {
      it(`confirms (${outage}): publish resolves once the broker has the message; with the broker down it rejects with the coded error within a bound; after close with NOT_OPEN`, async () => {
        const queue = await fixture.freshQueue();
        const connection = await connect();
        const [kept, lost, closed] = ids(queue, 'kept', 'down', 'closed') as [string, string, string];
        await connection.publish(queue, kept);
        expect(await fixture.held(queue)).toBe(1); // there already, nothing waited for

        await fixture.outage(outage);
        let restored = false;
        try {
          const at = performance.now();
          const error = await connection.publish(queue, lost).then(
            () => undefined,
            (rejection: unknown) => rejection,
          );
          const tookMs = performance.now() - at;
          expect(isKratosError(error) && error.code).toBe(fixture.codes.publishNotConfirmed);
          expect(tookMs).toBeLessThan(fixture.publishDownBoundMs);
          await fixture.restore(outage);
          restored = true;
        } finally {
          if (!restored) await fixture.restore(outage);
        }
        // Confirmed means stored: the message survived the broker's SIGKILL.
        await until(async () => (await fixture.held(queue)) >= 1, 'the confirmed message still held', 30_000);
        const another = await other(queue);
        await until(
          () => another.taken().includes(kept),
          'the confirmed message read after the restart',
          30_000,
        );
        await another.close();

        await connection.close(AbortSignal.timeout(2_000));
        const afterClose = await connection.publish(queue, closed).then(
          () => undefined,
          (rejection: unknown) => rejection,
        );
        expect(isKratosError(afterClose) && afterClose.code).toBe(fixture.codes.notOpen);
      }, 120_000);
    }
  });
}
