import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { GREETINGS } from '@kratos-ts/example/greeting-topology';
import { settleWithin } from './greeting-broker-side.js';

/** What the NestJS anchor's traffic saw. */
export interface NestTally {
  /** Greetings RabbitMQ confirmed. */
  readonly published: number;
  /** Distinct ids answered on `greetings.done`. */
  readonly answered: number;
  /** Confirmed, never answered. */
  readonly lost: readonly string[];
  /** Answered more than once. */
  readonly twice: readonly string[];
  /** Answers per answering instance. */
  readonly byInstance: ReadonlyMap<string, number>;
}

/** A publisher in Nest's envelope and a collector of `greetings.done`. */
export interface NestTraffic {
  /** Publishes `{ pattern: 'greet', data: { id, name } }` to the Nest queue at `ratePerSecond`, confirmed. */
  startPublishing(ratePerSecond: number): void;
  /** Stops publishing and waits for every confirm. */
  stopPublishing(): Promise<void>;
  /** Resolves once every confirmed id is answered, or once no answer came for `quietMs`. */
  settled(quietMs: number, timeoutMs: number): Promise<void>;
  /** What was seen so far. */
  tally(): NestTally;
  /** Closes its connection. */
  close(): Promise<void>;
}

/**
 * The NestJS anchor's traffic, on amqplib: the Nest queue declared as Nest declares it (its
 * default queue options), publishes with publisher confirms at a steady rate, and reads
 * `greetings.done` (declared as the example declares it), acking what it read. The same shape of
 * count as `greetingTraffic`'s, for Nest's envelope and queue (Nest's declaration of `greetings`
 * would conflict with the example's dead-letter arguments).
 */
export async function nestTraffic(url: string, queue: string): Promise<NestTraffic> {
  const prefix = `n${randomUUID().slice(0, 8)}-`;
  const model = await connect(url);
  const publisher = await model.createConfirmChannel();
  await publisher.assertQueue(queue, {}); // what @nestjs/microservices asserts: its default queueOptions
  await publisher.assertQueue(GREETINGS.done, { durable: true });
  const reader = await model.createChannel();
  await reader.prefetch(500);
  const answers = new Map<string, number>();
  const byInstance = new Map<string, number>();
  let lastAnswerAt = Date.now();
  await reader.consume(GREETINGS.done, (message) => {
    if (message === null) return;
    reader.ack(message);
    const { id, instance } = JSON.parse(message.content.toString('utf8')) as {
      id?: string;
      instance?: string;
    };
    if (typeof id !== 'string' || !id.startsWith(prefix)) return;
    lastAnswerAt = Date.now();
    answers.set(id, (answers.get(id) ?? 0) + 1);
    byInstance.set(String(instance), (byInstance.get(String(instance)) ?? 0) + 1);
  });
  const confirmed = new Set<string>();
  const pending = new Set<Promise<void>>();
  let issued = 0;
  let ticker: NodeJS.Timeout | undefined;

  const publish = (): void => {
    issued += 1;
    const id = `${prefix}${issued}`;
    const body = Buffer.from(JSON.stringify({ pattern: 'greet', data: { id, name: `n${issued}` } }));
    const confirm = new Promise<void>((resolve) =>
      publisher.sendToQueue(queue, body, { persistent: true }, (error: unknown) => {
        if (!error) confirmed.add(id);
        resolve();
      }),
    );
    pending.add(confirm);
    void confirm.then(() => pending.delete(confirm));
  };
  const tally = (): NestTally => ({
    published: confirmed.size,
    answered: [...confirmed].filter((id) => answers.has(id)).length,
    lost: [...confirmed].filter((id) => !answers.has(id)),
    twice: [...answers].filter(([, count]) => count > 1).map(([id]) => id),
    byInstance: new Map(byInstance),
  });

  return {
    startPublishing: (ratePerSecond) => {
      const startedAt = Date.now();
      let sent = 0;
      ticker = setInterval(() => {
        const due = Math.floor(((Date.now() - startedAt) * ratePerSecond) / 1_000);
        for (; sent < due; sent += 1) publish();
      }, 10);
    },
    stopPublishing: async () => {
      clearInterval(ticker);
      await Promise.all(pending);
    },
    settled: async (quietMs, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (tally().lost.length > 0 && Date.now() - lastAnswerAt < quietMs && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    tally,
    close: async () => {
      clearInterval(ticker);
      await settleWithin(publisher.deleteQueue(queue), 2_000);
      await settleWithin(model.close(), 3_000);
    },
  };
}
