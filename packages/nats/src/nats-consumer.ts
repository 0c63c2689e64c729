import { KratosError } from '@kratos-ts/core';
import type { ConsumerAdapter, ConsumerSubscription, ConsumeOptions } from '@kratos-ts/consumer';
import {
  checkDuration,
  checkKnownKeys,
  checkOptionsObject,
  describeError,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import type { Consumer, ConsumerMessages } from '@nats-io/jetstream';
import { raceSignal, type NatsConnection } from './nats-connection.js';
import { NATS_CONSUMER_DEFAULTS, type NatsConsumerOptions } from './nats-consumer-options.js';
import { natsDelivery } from './nats-delivery.js';
import { NatsErrorCode } from './nats-error-codes.js';

const KNOWN = ['stream', 'deadLetterSubject', 'pullExpiresMs', 'settleTimeoutMs'];

/**
 * The JetStream side of a `ConsumerServer`: a pull loop on the durable consumer named by the
 * server's `queue`, in `stream`, on the shared `connection`. It never has more than `prefetch`
 * messages unsettled (pulled or pending), stops pulling at once on a stop, and survives a
 * reconnect (the next pull goes out once the connection is back).
 *
 * @example
 * new ConsumerServer({
 *   adapter: natsConsumer(nats.connection, { stream: 'greetings' }),
 *   queue: 'greeter', // the durable pull consumer
 *   handler: async (message) => { ... },
 * });
 */
export function natsConsumer(connection: NatsConnection, options: NatsConsumerOptions): ConsumerAdapter {
  const problems: string[] = [];
  const raw = checkOptionsObject(problems, 'the options', options, "{ stream: 'greetings' }");
  checkKnownKeys(problems, raw, KNOWN);
  const stream = raw.stream;
  if (typeof stream !== 'string' || stream.trim() === '') {
    problems.push(
      `stream must be the non-empty name of a JetStream stream such as 'greetings', got ${describeValue(stream)}`,
    );
  }
  const deadLetterSubject = raw.deadLetterSubject ?? `${String(stream)}.dead`;
  if (typeof deadLetterSubject !== 'string' || deadLetterSubject.trim() === '') {
    problems.push(
      `deadLetterSubject must be a non-empty subject such as 'greetings.dead' (default '<stream>.dead'), got ${describeValue(deadLetterSubject)}`,
    );
  }
  const pullExpiresMs = raw.pullExpiresMs ?? NATS_CONSUMER_DEFAULTS.pullExpiresMs;
  const settleTimeoutMs = raw.settleTimeoutMs ?? NATS_CONSUMER_DEFAULTS.settleTimeoutMs;
  // JetStream refuses a pull that expires in less than 1 s.
  checkDuration(problems, 'pullExpiresMs', pullExpiresMs, {
    zero: false,
    max: 2_147_483_647,
    hint: 'at least 1000',
  });
  if (typeof pullExpiresMs === 'number' && pullExpiresMs < 1_000) {
    problems.push(`pullExpiresMs must be at least 1000 (JetStream's minimum), got ${pullExpiresMs}`);
  }
  checkDuration(problems, 'settleTimeoutMs', settleTimeoutMs, { zero: false, max: 2_147_483_647 });
  if (problems.length > 0) throw invalidOptions(NatsErrorCode.InvalidOptions, 'natsConsumer', problems);
  const settings = {
    stream: stream as string,
    deadLetterSubject: deadLetterSubject as string,
    pullExpiresMs: pullExpiresMs as number,
    settleTimeoutMs: settleTimeoutMs as number,
  };
  return {
    consume: async (consume) => {
      const js = connection.jetstream();
      let consumer: Consumer;
      try {
        consumer = await raceSignal(js.consumers.get(settings.stream, consume.queue), consume.signal);
      } catch (error) {
        throw new KratosError(
          NatsErrorCode.PullFailed,
          `Could not bind the durable consumer "${consume.queue}" of stream "${settings.stream}" on ${connection.url}: ${describeError(error)}. Create the stream and the durable pull consumer (explicit ack) first.`,
          { cause: error },
        );
      }
      return new PullLoop(connection, consumer, consume, settings).start();
    },
  };
}

/** The pull loop of one subscription. */
class PullLoop {
  #unsettled = 0;
  #fetching = true;
  #batch: ConsumerMessages | undefined;
  #wake: (() => void) | undefined;
  #ended: Promise<void> = Promise.resolve();
  #failures = 0;

  constructor(
    private readonly connection: NatsConnection,
    private readonly consumer: Consumer,
    private readonly consume: ConsumeOptions,
    private readonly settings: {
      readonly stream: string;
      readonly deadLetterSubject: string;
      readonly pullExpiresMs: number;
      readonly settleTimeoutMs: number;
    },
  ) {}

  start(): ConsumerSubscription {
    this.#ended = this.#loop();
    return {
      stopFetching: () => {
        this.#fetching = false;
        if (this.#batch) this.#endPull(this.#batch);
        this.#wakeUp();
      },
      close: (signal: AbortSignal) => raceSignal(this.#ended, signal),
    };
  }

  /**
   * Ends a pull without losing what the server already sent to it. Unsubscribing the pull's inbox
   * makes the server drop the waiting pull, but a message it sent just before (delivered, for
   * JetStream) would be dropped by the client and wait for `ack_wait`: the inbox is drained
   * instead (unsubscribe, then a round trip to the server), so every message sent before the
   * unsubscribe still comes through the batch and is returned by the drain (`nak()`). Bounded by
   * `settleTimeoutMs` (a frozen server never answers the round trip), then the batch is stopped.
   */
  #endPull(batch: ConsumerMessages): void {
    const sub = (batch as { sub?: { drain?: () => Promise<void> } }).sub;
    if (typeof sub?.drain !== 'function') {
      batch.stop(); // not nats.js 3's pull (no inbox to drain): stop as before
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    void Promise.race([
      sub.drain().catch(() => undefined),
      new Promise<void>((resolve) => {
        // unref: a pull left to a frozen server must not keep the process alive on its own.
        timer = setTimeout(resolve, this.settings.settleTimeoutMs).unref();
      }),
    ]).then(() => {
      clearTimeout(timer);
      batch.stop();
    });
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.#wakeUp(), ms);
      this.#wake = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    });
  }

  async #loop(): Promise<void> {
    const { queue, prefetch, deliver } = this.consume;
    while (this.#fetching) {
      const room = prefetch - this.#unsettled;
      if (room <= 0) {
        await this.#sleep();
        continue;
      }
      try {
        const batch = await this.consumer.fetch({ max_messages: room, expires: this.settings.pullExpiresMs });
        this.#batch = batch;
        // Stopped while the pull was being sent: its messages may be on their way already.
        if (!this.#fetching) this.#endPull(batch);
        for await (const message of batch) {
          this.#unsettled += 1;
          deliver(
            natsDelivery(message, {
              connection: this.connection,
              stream: this.settings.stream,
              consumer: queue,
              deadLetterSubject: this.settings.deadLetterSubject,
              settleTimeoutMs: this.settings.settleTimeoutMs,
              settled: () => {
                this.#unsettled -= 1;
                this.#wakeUp();
              },
            }),
          );
        }
        this.#failures = 0;
      } catch (error) {
        if (!this.#fetching) break;
        this.#failures += 1;
        // A loss is logged once by the connection; the pull only says so at debug while it lasts.
        this.connection.logger[this.#failures === 1 ? 'warn' : 'debug'](
          { code: NatsErrorCode.PullFailed, stream: this.settings.stream, consumer: queue, err: error },
          `Pulling from "${queue}" of stream "${this.settings.stream}" failed: ${describeError(error)}. Pulling again.`,
        );
        await this.#sleep(
          Math.min(5_000, NATS_CONSUMER_DEFAULTS.pullRetryMs * 2 ** Math.min(this.#failures, 10)),
        );
      } finally {
        this.#batch = undefined;
      }
    }
  }
}
