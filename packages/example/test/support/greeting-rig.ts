import { afterAll, beforeAll } from '@jest/globals';
import { greetingTraffic, type GreetingTraffic } from '../../../bench/src/consumers/greeting-traffic.js';
import { startConsumerBroker, type ConsumerTestBroker } from './consumer-broker.js';
import { killAllConsumerInstances } from './consumer-instance.js';

/** A broker of one kind for a test file, and the greeting traffic on it. */
export interface GreetingRig {
  readonly broker: ConsumerTestBroker;
  /** Publishes greetings and tallies the answers (`greetings.done`) and dead letters. */
  readonly greetings: GreetingTraffic;
}

/** What a test file adds to the rig's setup and teardown. */
export interface GreetingRigOptions {
  /** Runs once the broker is up, before the traffic connects (e.g. creating a durable first). */
  readonly prepare?: (broker: ConsumerTestBroker) => Promise<void>;
  /** The tests take the broker down: bring it back (`up()`) before disposing of it. */
  readonly upBeforeDispose?: boolean;
}

/**
 * Registers, in the calling `describe`, a `beforeAll` that starts a broker of `kind` and connects
 * the greeting traffic, and an `afterAll` that kills every example instance still running, brings
 * the broker back when asked (`upBeforeDispose`), and closes both. Returns the rig's getter for the tests, which throws when
 * the setup failed (the `beforeAll`'s error is then the one to read).
 */
export function useGreetingRig(
  kind: ConsumerTestBroker['kind'],
  options: GreetingRigOptions = {},
): () => GreetingRig {
  let broker: ConsumerTestBroker | undefined;
  let greetings: GreetingTraffic | undefined;
  beforeAll(async () => {
    broker = await startConsumerBroker(kind);
    await options.prepare?.(broker);
    greetings = await greetingTraffic(kind, broker.url);
  }, 60_000);
  afterAll(async () => {
    await killAllConsumerInstances();
    if (options.upBeforeDispose) await broker?.up().catch(() => undefined);
    await greetings?.close();
    await broker?.dispose();
  }, 60_000);
  return () => {
    if (!broker || !greetings) throw new Error(`the ${kind} broker or its traffic did not start`);
    return { broker, greetings };
  };
}
