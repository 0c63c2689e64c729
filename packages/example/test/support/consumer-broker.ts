import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNats } from '../../../bench/src/brokers/nats-process.js';
import { startRabbit } from '../../../bench/src/brokers/rabbit-process.js';
import type { GreetingBrokerKind } from '../../../bench/src/consumers/greeting-traffic.js';
import { GREETINGS } from '../../src/consumer/greeting-topology.js';

/** A real broker for the example's consumer tests, the same verbs for RabbitMQ and NATS. */
export interface ConsumerTestBroker {
  readonly kind: GreetingBrokerKind;
  readonly url: string;
  /** The example's environment for this broker: `AMQP_URL` or `NATS_URL`, plus `extra`. */
  env(extra?: Readonly<Record<string, string>>): Record<string, string>;
  /** Stops the broker (keeping its data) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Makes the broker unreachable: RabbitMQ is killed (SIGKILL), NATS frozen (SIGSTOP). */
  down(): Promise<void>;
  /** Undoes `down()`: RabbitMQ started again, NATS resumed. */
  up(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/** Starts a RabbitMQ (~6 s) or nats-server -js (~0.1 s) on loopback. */
export async function startConsumerBroker(kind: GreetingBrokerKind): Promise<ConsumerTestBroker> {
  if (kind === 'amqp') {
    const rabbit = await startRabbit();
    return {
      kind,
      url: rabbit.url,
      env: (extra = {}) => ({ AMQP_URL: rabbit.url, ...extra }),
      restart: async () => {
        await rabbit.stop();
        await rabbit.start();
      },
      down: () => rabbit.kill(),
      up: () => rabbit.start(),
      dispose: () => rabbit.dispose(),
    };
  }
  const nats = await startNats();
  return {
    kind,
    url: nats.url,
    env: (extra = {}) => ({ NATS_URL: nats.url, ...extra }),
    restart: async () => {
      await nats.stop();
      await nats.start();
    },
    down: () => nats.freeze(),
    up: () => Promise.resolve(nats.resume()),
    dispose: () => nats.dispose(),
  };
}

/**
 * NATS: creates the stream `greetings` and the durable `greeter` as the example would
 * (ensureNatsGreetings), but with `ackWaitMs` instead of JetStream's 30 s, so a SIGKILLed
 * instance's unacked messages come back within the test. Run before any instance starts: the
 * example leaves an existing consumer as it is.
 */
export async function createGreeterWithAckWait(url: string, ackWaitMs: number): Promise<void> {
  const client = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(client);
    await jsm.streams.add({ name: GREETINGS.streams.input, subjects: [GREETINGS.input] });
    await jsm.consumers.add(GREETINGS.streams.input, {
      durable_name: GREETINGS.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWaitMs * 1_000_000,
      max_deliver: -1,
    });
  } finally {
    await client.close();
  }
}
