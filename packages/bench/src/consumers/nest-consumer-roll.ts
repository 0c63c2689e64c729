import { fileURLToPath } from 'node:url';
import { ConsumerProcess } from './consumer-process.js';
import type { PhaseCount } from './example-consumer-roll.js';
import { nestTraffic } from './nest-traffic.js';
import { rollFleet, startFleet, type FleetProcess, type RollOutcome } from './roll-fleet.js';

const NEST = fileURLToPath(new URL('../fixtures/nest-rmq-greeter.js', import.meta.url));
/** Nest's own queue: its default declaration of `greetings` would conflict with the example's. */
const NEST_QUEUE = 'nest-greetings';

/** What `measureNestRoll` takes (the same figures as the example's roll). */
export interface NestRollOptions {
  /** Instances in the fleet. */
  readonly size: number;
  /** Greetings published per second, confirmed. */
  readonly ratePerSecond: number;
  /** `GREET_HANDLER_MS` of every instance, e.g. `5-100`. */
  readonly handlerMs: string;
  /** Publishing before the roll, ms. */
  readonly steadyMs: number;
  /** Publishing after the roll, ms. */
  readonly tailMs: number;
  /** How long to wait for answers at the end; it stops earlier once no answer came for 2 s. */
  readonly settleMs: number;
}

/** What the NestJS anchor's rolling restart counted. */
export type NestRollReport = Omit<PhaseCount, 'dead'> & {
  /** Each old instance's exit code (`null`: ended by a signal, as Nest re-raises SIGTERM). */
  readonly exits: RollOutcome['exits'];
  /** From the first new spawn to the last old exit, ms. */
  readonly durationMs: number;
  /** From each SIGTERM to that instance's exit, ms. */
  readonly stopMs: RollOutcome['stopMs'];
};

/**
 * The anchor: the same rolling restart on RabbitMQ with `size` NestJS RabbitMQ microservices
 * (fixtures/nest-rmq-greeter.ts: @nestjs/microservices' defaults, Nest's shutdown hooks on
 * SIGTERM), each replaced in turn the same way; counted from `greetings.done`.
 */
export async function measureNestRoll(url: string, options: NestRollOptions): Promise<NestRollReport> {
  const epoch = Date.now();
  const started: ConsumerProcess[] = [];
  const spawnOne = (): FleetProcess => {
    const instance = new ConsumerProcess(
      'NestJS instance',
      NEST,
      { AMQP_URL: url, NEST_QUEUE, GREET_HANDLER_MS: options.handlerMs },
      epoch,
    );
    started.push(instance);
    return instance;
  };
  const traffic = await nestTraffic(url, NEST_QUEUE);
  try {
    const fleet = await startFleet(options.size, spawnOne);
    traffic.startPublishing(options.ratePerSecond);
    await sleep(options.steadyMs);
    const outcome = await rollFleet(fleet, spawnOne);
    await sleep(options.tailMs);
    await traffic.stopPublishing();
    await traffic.settled(2_000, options.settleMs);
    await Promise.all(outcome.fleet.map((instance) => instance.stop('SIGTERM')));
    const tally = traffic.tally();
    return {
      published: tally.published,
      answered: tally.answered,
      lost: tally.lost.length,
      twice: tally.twice.length,
      instances: tally.byInstance.size,
      exits: outcome.exits,
      durationMs: outcome.durationMs,
      stopMs: outcome.stopMs,
    };
  } finally {
    for (const instance of started) instance.kill();
    await Promise.all(started.map((instance) => instance.exited));
    await traffic.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
