import type { ConsumerAdapter } from '@kratos-ts/consumer';
import type { Logger } from '@kratos-ts/core';

/**
 * One queue of the contract suite, fresh per case: what a `ConsumerServer` consumes and where its
 * dead letters go. Its messages are published and read through the fixture only.
 */
export interface ContractQueue {
  /** What `ConsumerServer`'s `queue` is: the AMQP queue, or the JetStream durable consumer. */
  readonly queue: string;
  /** Unique across the run: ids of its messages start with it (JetStream de-duplicates by id). */
  readonly name: string;
}

/** What `BrokerFixture.freshQueue` takes. */
export interface FreshQueueOptions {
  /**
   * How long the broker waits for the ack of a delivered message before it redelivers it, in ms.
   * A difference between the brokers: JetStream redelivers an unacked message after its
   * `ack_wait` (the fixture's default: 30 s, nats-server's); RabbitMQ has no such timer (it
   * redelivers an unacked message when its channel closes) and ignores this.
   */
  readonly ackWaitMs?: number;
}

/** The process's shared connection, as the contract uses it (`AmqpConnection`, `NatsConnection`). */
export interface ContractConnection {
  /** A consumer adapter on this connection for `queue` (`amqpConsumer`, `natsConsumer`). */
  adapter(queue: ContractQueue): ConsumerAdapter;
  /**
   * Publishes `body` (default `{"id":id}`) to `queue`, message id `id`, with the adapter's
   * confirmation: resolves once the broker has it; rejects with the adapter's coded error.
   */
  publish(queue: ContractQueue, id: string, body?: string): Promise<void>;
  /** Closes the connection (the `@AfterStop` hook's job), bounded by `signal`. */
  close(signal: AbortSignal): Promise<void>;
}

/** A bare broker client (amqplib, nats.js) consuming the same queue: "another instance". */
export interface OtherConsumer {
  /** The messages it took, in arrival order, each acked at once (`at`: `performance.now()`). */
  readonly taken: readonly { readonly id: string; readonly at: number }[];
  /** Stops it, once its acks are on the broker. */
  close(): Promise<void>;
}

/** How a broker is made unreachable while a consumer runs, and made reachable again. */
export type Outage = 'kill' | 'freeze';

/**
 * A real broker for the contract suite (`describeConsumerContract`), one per test file: the
 * broker's side of every case, so that each case asserts what the broker then holds, not only what
 * the consumer says. Where the brokers legitimately differ it says so here, and the cases assert
 * only the common contract.
 */
export interface BrokerFixture {
  /** Names the broker in test titles. */
  readonly broker: string;
  /** The codes of `publish()`'s rejections: not confirmed (broker down), and used after close. */
  readonly codes: { readonly publishNotConfirmed: string; readonly notOpen: string };
  /**
   * How long a `publish()` with the broker down may take to reject, in ms. A difference: an AMQP
   * publish on a lost connection rejects at once; a JetStream publish while the client reconnects
   * waits out its publish timeout (the fixture's connection: 1 s).
   */
  readonly publishDownBoundMs: number;
  /**
   * The outages "broker down during stop" is run with. RabbitMQ and nats-server can both be killed
   * (SIGKILL: sockets reset) and frozen (SIGSTOP: sockets open, nothing answers).
   */
  readonly outages: readonly Outage[];
  /** The outages "confirms" publishes into, expecting a coded rejection within `publishDownBoundMs`. */
  readonly publishOutages: readonly Outage[];
  /** Starts the broker (beforeAll). */
  start(): Promise<void>;
  /** Closes every connection the fixture opened, stops the broker and removes its files (afterAll). */
  dispose(): Promise<void>;
  /** A new queue (and its dead-letter queue or stream), empty. */
  freshQueue(options?: FreshQueueOptions): Promise<ContractQueue>;
  /** Opens a shared connection (reconnecting within ~½ s) that logs to `logger`. */
  openConnection(logger?: Logger): Promise<ContractConnection>;
  /**
   * How many messages the broker still holds for `queue`, neither acked nor dead-lettered. A
   * difference: on JetStream, delivered-unacked ones count at once (`num_pending` +
   * `num_ack_pending`); on RabbitMQ only once their channel has closed (the ready count), so the
   * cases read it when no consumer of theirs is open.
   */
  held(queue: ContractQueue): Promise<number>;
  /**
   * How many messages of `queue` the broker has not delivered to any consumer yet (AMQP: ready;
   * JetStream: `num_pending`): what a consumer's prefetch left on the broker.
   */
  undelivered(queue: ContractQueue): Promise<number>;
  /** The ids of the dead letters of `queue`, in order (read, left in place). */
  deadLetters(queue: ContractQueue): Promise<string[]>;
  /** Starts another instance's consumer on `queue`, a bare client on a connection of its own. */
  otherConsumer(queue: ContractQueue): Promise<OtherConsumer>;
  /** Stops the broker cleanly (its clients see the connection close); the data stays. */
  stopBroker(): Promise<void>;
  /** Starts it again on the same port and data, after `stopBroker()` or an outage. */
  startBroker(): Promise<void>;
  /** Makes the broker unreachable; `restore()` ends it. */
  outage(kind: Outage): Promise<void>;
  /** Ends the outage `kind` (starts a killed broker, resumes a frozen one). */
  restore(kind: Outage): Promise<void>;
}
