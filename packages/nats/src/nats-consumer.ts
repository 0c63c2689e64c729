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
import { createInbox, type Msg } from '@nats-io/transport-node';
import { jetstreamMessage } from './jetstream-message.js';
import { raceSignal, type NatsConnection } from './nats-connection.js';
import { NATS_CONSUMER_DEFAULTS, type NatsConsumerOptions } from './nats-consumer-options.js';
import { natsDelivery } from './nats-delivery.js';
import { NatsErrorCode } from './nats-error-codes.js';
import { PullSubscription } from './pull-subscription.js';

const KNOWN = ['stream', 'deadLetterSubject', 'pullExpiresMs', 'settleTimeoutMs'];

/**
 * The JetStream side of a `ConsumerServer`: pulls from the durable consumer named by the server's
 * `queue`, in `stream`, on the shared `connection`, ahead of the handlers (a pull for the free room
 * goes out as soon as half of `prefetch` is free) but never with more than `prefetch` messages
 * delivered-and-unsettled plus asked for; stops pulling at once on a stop, and asks again as soon
 * as the connection is back after a loss.
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
    system: 'nats',
    consume: async (consume) => {
      const js = connection.jetstream();
      try {
        // The durable consumer must exist: a pull to a missing one would wait for nothing.
        await raceSignal(js.consumers.get(settings.stream, consume.queue), consume.signal);
      } catch (error) {
        throw new KratosError(
          NatsErrorCode.PullFailed,
          `Could not bind the durable consumer "${consume.queue}" of stream "${settings.stream}" on ${connection.url}: ${describeError(error)}. Create the stream and the durable pull consumer (explicit ack) first.`,
          { cause: error },
        );
      }
      return new PullLoop(connection, consume, settings).start();
    },
  };
}

/**
 * One subscription: a `PullSubscription` on an inbox of its own, each message handed over as a
 * `Delivery`, pulls forgotten and asked again on a reconnect. `stopFetching` stops pulling and
 * drains the inbox (what the server sent just before still arrives, and is returned); `close` waits
 * for that, then flushes the connection so that every ack and nak of the drain reached the server.
 */
class PullLoop {
  readonly #pulls: PullSubscription;
  #stopped: Promise<void> | undefined;
  #unwatch: () => void = () => undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly consume: ConsumeOptions,
    private readonly settings: {
      readonly stream: string;
      readonly deadLetterSubject: string;
      readonly pullExpiresMs: number;
      readonly settleTimeoutMs: number;
    },
  ) {
    const { queue, prefetch } = consume;
    const { stream, pullExpiresMs } = settings;
    this.#pulls = new PullSubscription(connection.client(), {
      stream,
      consumer: queue,
      inbox: createInbox(),
      prefetch,
      expiresMs: pullExpiresMs,
      retryMs: NATS_CONSUMER_DEFAULTS.pullRetryMs,
      onMessage: (message) => this.#deliver(message),
      onProblem: (problem) =>
        connection.logger.warn(
          { code: NatsErrorCode.PullFailed, stream, consumer: queue, problem },
          `Pulling from "${queue}" of stream "${stream}" failed: ${problem}. Pulling again with backoff; check that the durable pull consumer exists.`,
        ),
    });
  }

  start(): ConsumerSubscription {
    this.#unwatch = this.connection.onReconnect(() => this.#pulls.reconnected());
    this.#pulls.start();
    return {
      stopFetching: () => {
        this.#unwatch();
        this.#stopped ??= this.#pulls.stop(this.settings.settleTimeoutMs);
      },
      close: async (signal: AbortSignal) => {
        this.#unwatch();
        this.#stopped ??= this.#pulls.stop(this.settings.settleTimeoutMs);
        try {
          await raceSignal(this.#stopped, signal);
        } finally {
          // The close gave up (a server that does not answer): the drain's bound must not outlive it.
          if (signal.aborted) this.#pulls.cutShort();
        }
        await raceSignal(
          this.connection
            .client()
            .flush()
            .catch(() => undefined),
          signal,
        );
      },
    };
  }

  #deliver(raw: Msg): void {
    const message = jetstreamMessage(raw);
    if (message === undefined) {
      this.#pulls.settled(); // not a JetStream delivery: nothing to settle
      return;
    }
    const { queue, deliver } = this.consume;
    deliver(
      natsDelivery(message, {
        connection: this.connection,
        stream: this.settings.stream,
        consumer: queue,
        deadLetterSubject: this.settings.deadLetterSubject,
        settled: () => this.#pulls.settled(),
      }),
    );
  }
}
