import type { ConsumeOptions, ConsumerAdapter, ConsumerSubscription, Delivery } from '@kratos-ts/consumer';

/** One message in the in-memory broker. */
interface StoredMessage {
  readonly id: string;
  readonly body: Uint8Array;
  readonly attempt: number;
  /** Publication order: a requeued message goes back to its place, as RabbitMQ puts it back. */
  readonly seq: number;
}

/** How the in-memory broker misbehaves, for the failure tests. */
export interface MemoryBrokerFaults {
  /** `consume()` rejects with this. */
  consumeFails?: Error;
  /** `consume()` never settles. */
  consumeHangs?: boolean;
  /** `stopFetching()` never settles (broker unreachable during the stop). */
  stopFetchingHangs?: boolean;
  /** `close()` never settles. */
  closeHangs?: boolean;
  /** `close()` rejects with this. */
  closeFails?: Error;
  /** Every settlement (ack, requeue …) rejects with this. */
  settleFails?: Error;
}

/**
 * The adapter double: a broker with one queue, a prefetch window per subscription, attempt counting
 * on retry and a dead-letter list. Everything it does is recorded as `"<now> <what>"` lines.
 */
export class MemoryBroker {
  readonly ready: StoredMessage[] = [];
  readonly acked: string[] = [];
  readonly dead: { id: string; reason: string }[] = [];
  readonly log: string[] = [];
  /** Messages the consumer settled more than once (must stay empty). */
  readonly settledTwice: string[] = [];
  readonly faults: MemoryBrokerFaults = {};
  /** The options of each `consume()` call. */
  readonly consumes: ConsumeOptions[] = [];
  #seq = 0;
  #consumer: { options: ConsumeOptions; unacked: number; fetching: boolean } | undefined;
  readonly #now: () => number;

  constructor(now: () => number = () => 0) {
    this.#now = now;
  }

  /** Messages delivered and not yet settled. */
  get unacked(): number {
    return this.#consumer?.unacked ?? 0;
  }

  /** Queues a message; `body` as a string is UTF-8. */
  publish(id: string, body: string | Uint8Array = JSON.stringify({ id }), attempt = 1): void {
    this.ready.push({
      id,
      body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
      attempt,
      seq: (this.#seq += 1),
    });
    this.#pump();
  }

  readonly adapter: ConsumerAdapter = {
    consume: (options) => {
      this.consumes.push(options);
      this.#record(`consume ${options.queue} prefetch=${options.prefetch}`);
      if (this.faults.consumeFails) return Promise.reject(this.faults.consumeFails);
      if (this.faults.consumeHangs) return new Promise<never>(() => undefined);
      const consumer = { options, unacked: 0, fetching: true };
      this.#consumer = consumer;
      const subscription: ConsumerSubscription = {
        stopFetching: () => {
          this.#record('stopFetching');
          consumer.fetching = false;
          return this.faults.stopFetchingHangs ? new Promise<never>(() => undefined) : Promise.resolve();
        },
        close: () => {
          this.#record('close');
          if (this.faults.closeHangs) return new Promise<never>(() => undefined);
          if (this.faults.closeFails) return Promise.reject(this.faults.closeFails);
          // A closed channel returns what it still holds, as AMQP does.
          this.#consumer = undefined;
          return Promise.resolve();
        },
      };
      // Messages flow once the subscription is open, as they would from a broker.
      return Promise.resolve(subscription).finally(() => queueMicrotask(() => this.#pump()));
    },
  };

  #pump(): void {
    const consumer = this.#consumer;
    while (consumer?.fetching && consumer.unacked < consumer.options.prefetch) {
      const message = this.ready.shift();
      if (message === undefined) return;
      consumer.unacked += 1;
      this.#record(`deliver ${message.id}#${message.attempt}`);
      consumer.options.deliver(this.#delivery(message, consumer));
    }
  }

  #delivery(message: StoredMessage, consumer: { unacked: number }): Delivery {
    let settled = false;
    const settle = (what: string, then: () => void): Promise<void> => {
      this.#record(`${what} ${message.id}`);
      if (settled) {
        this.settledTwice.push(message.id);
        return Promise.resolve();
      }
      settled = true;
      if (this.faults.settleFails) return Promise.reject(this.faults.settleFails);
      consumer.unacked -= 1;
      then();
      this.#pump();
      return Promise.resolve();
    };
    return {
      id: message.id,
      body: message.body,
      attempt: message.attempt,
      ack: () => settle('ack', () => this.acked.push(message.id)),
      requeue: () => settle('requeue', () => this.#putBack(message)),
      retry: () =>
        settle('retry', () =>
          this.ready.push({ ...message, attempt: message.attempt + 1, seq: (this.#seq += 1) }),
        ),
      deadLetter: (reason) => settle('deadLetter', () => this.dead.push({ id: message.id, reason })),
    };
  }

  #putBack(message: StoredMessage): void {
    const at = this.ready.findIndex((other) => other.seq > message.seq);
    this.ready.splice(at === -1 ? this.ready.length : at, 0, message);
  }

  #record(what: string): void {
    this.log.push(`${this.#now()} ${what}`);
  }
}
