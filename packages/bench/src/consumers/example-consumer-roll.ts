import { ExampleInstance } from '../fleet/example-instance.js';
import { greetingTraffic, type GreetingBrokerKind, type GreetingTally } from './greeting-traffic.js';
import { resetGreetings } from './reset-greetings.js';
import { rollFleet, startFleet, type FleetProcess, type RollOutcome } from './roll-fleet.js';

/** What `measureExampleRoll` takes. */
export interface ExampleRollOptions {
  /** Instances in the fleet. */
  readonly size: number;
  /** Greetings published per second, confirmed. */
  readonly ratePerSecond: number;
  /** `GREET_HANDLER_MS` of every instance, e.g. `5-100`. */
  readonly handlerMs: string;
  /** Publishing before the roll (and before the SIGKILL), ms. */
  readonly steadyMs: number;
  /** Publishing after the roll (and after the SIGKILL), ms. */
  readonly tailMs: number;
  /** The `ack_wait` of the JetStream durable consumer, ms (NATS only). */
  readonly ackWaitMs: number;
  /** How long every confirmed greeting may take to be answered at the end of a phase, ms. */
  readonly settleMs: number;
}

/** One phase's count, from `greetings.done`. */
export interface PhaseCount {
  /** Greetings the broker confirmed. */
  readonly published: number;
  /** Distinct greetings answered on `greetings.done`. */
  readonly answered: number;
  /** Confirmed greetings never answered. */
  readonly lost: number;
  /** Greetings answered more than once. */
  readonly twice: number;
  /** Distinct instances that answered. */
  readonly instances: number;
  /** Messages dead-lettered meanwhile (there should be none: every greeting is valid). */
  readonly dead: number;
}

/** What a rolling restart, then a SIGKILL, of example instances under load counted. */
export interface ExampleRollReport {
  /** The rolling restart, with each old instance's exit code and SIGTERM → exit time. */
  readonly roll: PhaseCount & {
    readonly exits: RollOutcome['exits'];
    readonly durationMs: number;
    readonly stopMs: RollOutcome['stopMs'];
  };
  /** One of the new instances SIGKILLed under load (fresh traffic). */
  readonly sigkill: PhaseCount;
}

/**
 * Issue 15's proof for one broker: `size` example instances (`ExampleInstance`: child processes of
 * packages/example/dist/main.js, LOG_FORMAT=json, with AMQP_URL or NATS_URL and GREET_HANDLER_MS,
 * HTTP on an OS-chosen loopback port, gRPC off, in-memory registry) consume `greetings` while a
 * publisher sends `ratePerSecond` confirmed greetings. Phase 1: each instance is replaced in turn
 * (`rollFleet`); phase 2 (fresh traffic): one of the new instances is SIGKILLed under load. Each
 * phase ends when every confirmed greeting was answered on `greetings.done` (or `settleMs` passed),
 * and is counted from there. Everything it started is gone when it settles.
 */
export async function measureExampleRoll(
  kind: GreetingBrokerKind,
  url: string,
  options: ExampleRollOptions,
): Promise<ExampleRollReport> {
  await resetGreetings(kind, url, options.ackWaitMs);
  const epoch = Date.now();
  const started: FleetProcess[] = [];
  const spawnOne = (): FleetProcess => {
    // The in-memory registry (no etcd: a consumer has no endpoint to find), HTTP on an
    // OS-chosen loopback port, gRPC off.
    const instance = new ExampleInstance(undefined, epoch, {
      GRPC_PORT: 'off',
      GREET_HANDLER_MS: options.handlerMs,
      ...(kind === 'amqp' ? { AMQP_URL: url } : { NATS_URL: url }),
    });
    const member: FleetProcess = {
      timeline: instance.timeline,
      ready: () => instance.serving(30_000),
      stop: (signal) => instance.stop(signal),
      kill: () => instance.kill(),
      exited: instance.exited,
    };
    started.push(member);
    return member;
  };
  try {
    let fleet = await startFleet(options.size, spawnOne);

    const rollTraffic = await greetingTraffic(kind, url);
    let roll: ExampleRollReport['roll'];
    try {
      rollTraffic.startPublishing(options.ratePerSecond);
      await sleep(options.steadyMs);
      const outcome = await rollFleet(fleet, spawnOne);
      fleet = outcome.fleet;
      await sleep(options.tailMs);
      await rollTraffic.stopPublishing();
      await rollTraffic.allAnswered(options.settleMs).catch(() => undefined);
      roll = {
        ...count(rollTraffic.tally()),
        exits: outcome.exits,
        durationMs: outcome.durationMs,
        stopMs: outcome.stopMs,
      };
    } finally {
      await rollTraffic.close();
    }

    const killTraffic = await greetingTraffic(kind, url);
    let sigkill: PhaseCount;
    try {
      killTraffic.startPublishing(options.ratePerSecond);
      await sleep(options.steadyMs);
      const victim = fleet[0];
      if (victim === undefined) throw new Error('no instance to kill');
      await victim.stop('SIGKILL');
      await sleep(options.tailMs);
      await killTraffic.stopPublishing();
      await killTraffic.allAnswered(options.settleMs).catch(() => undefined);
      sigkill = count(killTraffic.tally());
    } finally {
      await killTraffic.close();
    }
    await Promise.all(fleet.map((instance) => instance.stop('SIGTERM')));
    return { roll, sigkill };
  } finally {
    for (const instance of started) instance.kill();
    await Promise.all(started.map((instance) => instance.exited));
  }
}

function count(tally: GreetingTally): PhaseCount {
  return {
    published: tally.published,
    answered: tally.answered,
    lost: tally.lost.length,
    twice: tally.twice.length,
    instances: tally.byInstance.size,
    dead: tally.dead,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
