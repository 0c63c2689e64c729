import { CONSUMER_DEFAULTS } from '@kratos-ts/consumer';
import type { BenchFigure } from '../bench-figure.js';
import { startNats } from '../brokers/nats-process.js';
import { startRabbit } from '../brokers/rabbit-process.js';
import { medians } from '../measure.js';
import { amqpBenchQueue } from './amqp-bench-queue.js';
import { amqpThroughput } from './amqp-throughput.js';
import {
  measureExampleRoll,
  type ExampleRollOptions,
  type ExampleRollReport,
} from './example-consumer-roll.js';
import { measureNestRoll, type NestRollReport } from './nest-consumer-roll.js';
import { natsBenchQueue } from './nats-bench-queue.js';
import { natsThroughput } from './nats-throughput.js';
import { measureStopTimes, type StopTimes } from './stop-times.js';

const ROLL: ExampleRollOptions = {
  size: 3,
  ratePerSecond: 250,
  handlerMs: '5-100',
  steadyMs: 2_000,
  tailMs: 4_000, // NATS: more than ack_wait, so a SIGKILLed instance's messages come back within it
  ackWaitMs: 3_000,
  settleMs: 30_000,
};
const PREFETCH = CONSUMER_DEFAULTS.prefetch;
const STOP_ROUNDS = 5;
const THROUGHPUT_MESSAGES = 10_000;
// Nine, not five: a RabbitMQ sample of 10 000 persistent messages varies from 0.5× to 1.9× of the
// one before it (the broker's own disk and GC work; the client is idle ~80 % of the time), and
// the median of five moved by ±0.07 from run to run.
const THROUGHPUT_ROUNDS = 9;
const IDLE_STOP_MS = 50;
const BUSY_STOP_OVER_HANDLER_MS = 100;
const THROUGHPUT_VS_BARE = 0.9;

/**
 * Consumers: rolling restart (issue 15's proof), for RabbitMQ then NATS JetStream, each on a real
 * broker of its own: 3 example instances (handlers of 5–100 ms) under 250 confirmed greetings/s,
 * each replaced in turn (start new, wait until it consumes, SIGTERM old, wait exit), then one of
 * three SIGKILLed under load; counted from `greetings.done`. Targets: 0 lost and 0 processed twice
 * on the roll; 0 lost and ≤ prefetch duplicates after the SIGKILL. Beside them: the stop time of
 * an in-process `ConsumerServer` on the same broker, idle (≤ 50 ms) and busy (≤ the longest
 * running handler + 100 ms), and no-op-handler throughput against a bare amqplib / nats.js
 * consumer at the same prefetch (≥ 0.9×). The anchor: the RabbitMQ roll with a NestJS RabbitMQ
 * microservice at @nestjs/microservices' defaults, its counts printed beside ours.
 */
export async function run(): Promise<BenchFigure[]> {
  return [...(await rabbitFigures()), ...(await natsFigures())];
}

async function rabbitFigures(): Promise<BenchFigure[]> {
  const rabbit = await startRabbit();
  try {
    const roll = await measureExampleRoll('amqp', rabbit.url, ROLL);
    const nest = await measureNestRoll(rabbit.url, ROLL);
    const queue = await amqpBenchQueue(rabbit.url, 'bench.consumer');
    try {
      const stops = await measureStopTimes(queue, STOP_ROUNDS);
      const sampler = amqpThroughput(queue, THROUGHPUT_MESSAGES, PREFETCH);
      const [ours = NaN, bare = NaN] = await medians(THROUGHPUT_ROUNDS, [sampler.ours, sampler.bare]);
      return [
        ...rollFigures('RabbitMQ', roll),
        ...nestFigures(nest),
        ...stopFigures('RabbitMQ', stops),
        throughputFigure('RabbitMQ', 'amqplib', ours, bare, true),
      ];
    } finally {
      await queue.close();
    }
  } finally {
    await rabbit.dispose();
  }
}

async function natsFigures(): Promise<BenchFigure[]> {
  const nats = await startNats();
  try {
    const roll = await measureExampleRoll('nats', nats.url, ROLL);
    const queue = await natsBenchQueue(nats.url, 'bench-consumer');
    try {
      const stops = await measureStopTimes(queue, STOP_ROUNDS);
      const sampler = natsThroughput(queue, THROUGHPUT_MESSAGES, PREFETCH);
      const [ours = NaN, bare = NaN, bareConfirmed = NaN] = await medians(THROUGHPUT_ROUNDS, [
        sampler.ours,
        () => sampler.bare('ack'),
        () => sampler.bare('ackAck'),
      ]);
      return [
        ...rollFigures('NATS', roll),
        ...stopFigures('NATS', stops),
        throughputFigure('NATS', 'nats.js ack()', ours, bare, true),
        throughputFigure('NATS', 'nats.js ackAck()', ours, bareConfirmed, false),
      ];
    } finally {
      await queue.close();
    }
  } finally {
    await nats.dispose();
  }
}

function rollFigures(broker: string, { roll, sigkill }: ExampleRollReport): BenchFigure[] {
  const prefix = `consumers ${broker}:`;
  const clean = roll.exits.filter((code) => code === 0).length;
  return [
    {
      name: `${prefix} roll, published (${ROLL.ratePerSecond}/s, handlers ${ROLL.handlerMs} ms)`,
      value: roll.published,
      unit: 'msg',
    },
    { name: `${prefix} roll, instances that answered`, value: roll.instances, unit: '' },
    { name: `${prefix} roll, replacing 3 instances`, value: roll.durationMs, unit: 'ms' },
    {
      name: `${prefix} roll, slowest SIGTERM → exit`,
      value: Math.max(...roll.stopMs),
      unit: 'ms',
    },
    {
      name: `${prefix} roll, old instances exiting 0`,
      value: clean,
      unit: `of ${roll.exits.length}`,
      target: `${roll.exits.length}`,
      pass: clean === roll.exits.length,
    },
    {
      name: `${prefix} roll, lost`,
      value: roll.lost,
      unit: 'msg',
      target: '0',
      pass: roll.lost === 0,
    },
    {
      name: `${prefix} roll, processed twice`,
      value: roll.twice,
      unit: 'msg',
      target: '0',
      pass: roll.twice === 0,
    },
    { name: `${prefix} SIGKILL 1 of 3, published`, value: sigkill.published, unit: 'msg' },
    {
      name: `${prefix} SIGKILL 1 of 3, lost after redelivery`,
      value: sigkill.lost,
      unit: 'msg',
      target: '0',
      pass: sigkill.lost === 0,
    },
    {
      name: `${prefix} SIGKILL 1 of 3, processed twice (prefetch ${PREFETCH})`,
      value: sigkill.twice,
      unit: 'msg',
      target: `≤ ${PREFETCH}`,
      pass: sigkill.twice <= PREFETCH,
    },
    ...(roll.dead + sigkill.dead > 0
      ? [{ name: `${prefix} dead-lettered (none expected)`, value: roll.dead + sigkill.dead, unit: 'msg' }]
      : []),
  ];
}

function nestFigures(nest: NestRollReport): BenchFigure[] {
  const prefix = 'consumers RabbitMQ NestJS anchor:';
  const clean = nest.exits.filter((code) => code === 0).length;
  const signalled = nest.exits.filter((code) => code === null).length;
  return [
    { name: `${prefix} roll, published`, value: nest.published, unit: 'msg' },
    { name: `${prefix} roll, lost`, value: nest.lost, unit: 'msg' },
    { name: `${prefix} roll, processed twice`, value: nest.twice, unit: 'msg' },
    {
      name: `${prefix} roll, slowest SIGTERM → exit`,
      value: Math.max(...nest.stopMs),
      unit: 'ms',
    },
    {
      name: `${prefix} roll, old exiting 0 / by signal`,
      value: clean,
      unit: `/ ${signalled} of ${nest.exits.length}`,
    },
  ];
}

function stopFigures(broker: string, stops: StopTimes): BenchFigure[] {
  const prefix = `consumers ${broker}: stop,`;
  return [
    {
      name: `${prefix} idle (worst of ${STOP_ROUNDS}: ${stops.idleWorstMs.toFixed(1)} ms)`,
      value: stops.idleMs,
      unit: 'ms',
      target: `≤ ${IDLE_STOP_MS} ms`,
      pass: stops.idleWorstMs <= IDLE_STOP_MS,
    },
    {
      name: `${prefix} busy, ${stops.busyRunning} handlers 5–100 ms (worst +${stops.busyWorstOverheadMs.toFixed(1)} ms)`,
      value: stops.busyMs,
      unit: 'ms',
      baseline: stops.busyHandlerMs,
      target: `≤ handler + ${BUSY_STOP_OVER_HANDLER_MS}`,
      pass: stops.busyWorstOverheadMs <= BUSY_STOP_OVER_HANDLER_MS,
    },
  ];
}

function throughputFigure(
  broker: string,
  bareName: string,
  ours: number,
  bare: number,
  judged: boolean,
): BenchFigure {
  return {
    name: `consumers ${broker}: no-op msg/s vs ${bareName}, prefetch ${PREFETCH}`,
    value: ours,
    unit: 'msg/s',
    baseline: bare,
    ratio: ours / bare,
    ...(judged ? { target: `≥ ${THROUGHPUT_VS_BARE}× bare`, pass: ours / bare >= THROUGHPUT_VS_BARE } : {}),
  };
}
