import { randomUUID } from 'node:crypto';
import { amqpGreetingSide } from './amqp-greeting-side.js';
import type { GreetingBrokerSide, GreetingDeadLetter, GreetingSink } from './greeting-broker-side.js';
import { natsGreetingSide } from './nats-greeting-side.js';

export type { GreetingDeadLetter } from './greeting-broker-side.js';

/** The broker the example's consumer runs on: RabbitMQ (`AMQP_URL`) or NATS JetStream (`NATS_URL`). */
export type GreetingBrokerKind = 'amqp' | 'nats';

/** What the traffic saw so far. */
export interface GreetingTally {
  /** Ids the broker confirmed (retries of one id count once). */
  readonly published: number;
  /** Distinct ids of this traffic seen on `greetings.done`. */
  readonly answered: number;
  /** Confirmed ids never answered (so far). */
  readonly lost: readonly string[];
  /** Ids answered more than once. */
  readonly twice: readonly string[];
  /** Answers (every one, duplicates included) per `instance` (the answering instance's `AppInfo.id`). */
  readonly byInstance: ReadonlyMap<string, number>;
  /** Messages seen on `greetings.dead` since the traffic started. */
  readonly dead: number;
  /** The messages seen on `greetings.dead`, in order (body and headers). */
  readonly deadLetters: readonly GreetingDeadLetter[];
  /** Answers on `greetings.done` that were not JSON `{ id, instance }` (the example broke its contract). */
  readonly malformed: readonly string[];
  /** Ids given up on by `stopPublishing()` (never confirmed; not in `published`). */
  readonly givenUp: number;
}

/** A publisher of greetings and a collector of the answers, independent of the code under test. */
export interface GreetingTraffic {
  /**
   * Publishes `{ id, name }` to `greetings` (unique ids), confirmed, at `ratePerSecond` until
   * stopPublishing(). A publish the broker does not confirm is retried with the same id (250 ms
   * later), so `published` counts every id the broker took.
   */
  startPublishing(ratePerSecond: number): void;
  /**
   * Stops publishing; resolves once every publish is confirmed or given up (given-up ids are not
   * counted). Ids not confirmed within `giveUpAfterMs` (default 30 s) are given up.
   */
  stopPublishing(giveUpAfterMs?: number): Promise<void>;
  /** Publishes `body` to `greetings` as it is, confirmed (for poison tests); not counted. */
  publishRaw(body: string | Uint8Array): Promise<void>;
  /** Publishes one valid greeting now, confirmed (retried like the others), and returns its id. */
  publishOne(): Promise<string>;
  /** Resolves once every confirmed id is answered, or rejects after timeoutMs naming the missing ids (first few). */
  allAnswered(timeoutMs: number): Promise<void>;
  /** Resolves once `condition(tally())` holds, or rejects after timeoutMs saying `what` and the tally. */
  until(condition: (tally: GreetingTally) => boolean, timeoutMs: number, what?: string): Promise<void>;
  /** What was seen so far. */
  tally(): GreetingTally;
  /** Stops publishing at once (nothing more is retried) and closes the connection; bounded even with the broker gone. */
  close(): Promise<void>;
}

const RETRY_MS = 250;
const TICK_MS = 10;

/**
 * Declares the example's topology (declareAmqpGreetings / ensureNatsGreetings from
 * '@kratos-ts/example/greeting-topology') and starts collecting greetings.done and greetings.dead
 * (an independent consumer that acks what it reads; for NATS its own durable consumers on the
 * greetings-done and greetings-dead streams, new messages only). Ids carry a random prefix of this
 * traffic: answers to other ids (an earlier traffic's) are not counted. RabbitMQ: what is already
 * in `greetings.dead` counts in `dead`; an answer read again after a reconnect of this side (its
 * ack lost) shows as a duplicate.
 */
export async function greetingTraffic(kind: GreetingBrokerKind, url: string): Promise<GreetingTraffic> {
  const prefix = `g${randomUUID().slice(0, 8)}-`;
  const answers = new Map<string, number>();
  const byInstance = new Map<string, number>();
  const deadLetters: GreetingDeadLetter[] = [];
  const malformed: string[] = [];
  const confirmed = new Set<string>();
  const pending = new Set<string>();
  const retries = new Set<NodeJS.Timeout>();
  let givenUp = 0;
  let issued = 0;
  let ticker: NodeJS.Timeout | undefined;
  let closed = false;

  const sink: GreetingSink = {
    done: (body) => {
      let answer: { id?: unknown; instance?: unknown };
      try {
        answer = JSON.parse(body) as typeof answer;
      } catch {
        malformed.push(body);
        return;
      }
      if (typeof answer.id !== 'string' || typeof answer.instance !== 'string') {
        malformed.push(body);
        return;
      }
      if (!answer.id.startsWith(prefix)) return;
      answers.set(answer.id, (answers.get(answer.id) ?? 0) + 1);
      byInstance.set(answer.instance, (byInstance.get(answer.instance) ?? 0) + 1);
    },
    dead: (letter) => void deadLetters.push(letter),
  };
  const side: GreetingBrokerSide =
    kind === 'amqp' ? await amqpGreetingSide(url, sink) : await natsGreetingSide(url, sink);

  const send = (id: string, body: Uint8Array): void => {
    if (closed || !pending.has(id)) return;
    side.publish(body, id).then(
      () => {
        if (!pending.delete(id)) return; // given up meanwhile
        confirmed.add(id);
      },
      () => {
        if (closed || !pending.has(id)) return;
        const timer = setTimeout(() => {
          retries.delete(timer);
          send(id, body);
        }, RETRY_MS);
        retries.add(timer);
      },
    );
  };
  const issue = (): string => {
    issued += 1;
    const id = `${prefix}${issued}`;
    pending.add(id);
    send(id, Buffer.from(JSON.stringify({ id, name: `n${issued}` })));
    return id;
  };
  const tally = (): GreetingTally => {
    const lost = [...confirmed].filter((id) => !answers.has(id));
    const twice = [...answers].filter(([, count]) => count > 1).map(([id]) => id);
    return {
      published: confirmed.size,
      answered: answers.size,
      lost,
      twice,
      byInstance: new Map(byInstance),
      dead: deadLetters.length,
      deadLetters: [...deadLetters],
      malformed: [...malformed],
      givenUp,
    };
  };
  const until = async (condition: () => boolean, timeoutMs: number, fail: () => string): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(fail());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const stopTicking = (): void => {
    clearInterval(ticker);
    ticker = undefined;
  };
  const giveUp = (): void => {
    givenUp += pending.size;
    pending.clear();
    retries.forEach((timer) => clearTimeout(timer));
    retries.clear();
  };

  return {
    startPublishing: (ratePerSecond) => {
      if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${ratePerSecond}`);
      if (ticker) throw new Error('greetingTraffic: already publishing; call stopPublishing() first');
      if (closed) throw new Error('greetingTraffic: closed');
      const startedAt = Date.now();
      let sent = 0;
      // Catch up on every tick, so the rate holds when a tick comes late (a busy machine).
      ticker = setInterval(() => {
        const due = Math.floor(((Date.now() - startedAt) * ratePerSecond) / 1_000);
        for (; sent < due; sent += 1) issue();
      }, TICK_MS);
    },
    stopPublishing: async (giveUpAfterMs = 30_000) => {
      stopTicking();
      try {
        await until(
          () => pending.size === 0,
          giveUpAfterMs,
          () => '',
        );
      } catch {
        // whatever is still unconfirmed is given up below
      }
      giveUp();
    },
    publishRaw: (body) => side.publish(typeof body === 'string' ? Buffer.from(body) : body, undefined),
    publishOne: async () => {
      const id = issue();
      await until(
        () => confirmed.has(id) || !pending.has(id),
        30_000,
        () => `greeting ${id} not confirmed within 30 s`,
      );
      if (!confirmed.has(id)) throw new Error(`greeting ${id} was given up before the broker confirmed it`);
      return id;
    },
    allAnswered: (timeoutMs) =>
      until(
        () => [...confirmed].every((id) => answers.has(id)),
        timeoutMs,
        () => {
          const { lost, published, answered } = tally();
          return (
            `${lost.length} of ${published} confirmed greetings not answered within ${timeoutMs} ms ` +
            `(answered ${answered}); first missing: ${lost.slice(0, 10).join(', ')}`
          );
        },
      ),
    until: (condition, timeoutMs, what = 'the condition') =>
      until(
        () => condition(tally()),
        timeoutMs,
        () => {
          const { lost, twice, deadLetters: _letters, byInstance: instances, ...rest } = tally();
          const summary = { ...rest, lost: lost.length, twice: twice.length, byInstance: [...instances] };
          return `${what} did not hold within ${timeoutMs} ms; tally: ${JSON.stringify(summary)}`;
        },
      ),
    tally,
    close: async () => {
      if (closed) return;
      closed = true;
      stopTicking();
      giveUp();
      await side.close();
    },
  };
}
