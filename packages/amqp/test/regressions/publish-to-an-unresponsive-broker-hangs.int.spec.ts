import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { AmqpConnection, AmqpErrorCode } from '@kratos-ts/amqp';
import { isKratosError } from '@kratos-ts/core';
import { startRabbit, type RabbitProcess } from '../../../bench/src/brokers/rabbit-process.js';

// BullMQ's close() hanging on an unreachable Redis (taskforcesh/bullmq#2430), here for a publish:
// AmqpConnection.publish() waited for a publisher confirm with no deadline, so a broker that stops
// answering with its socket still open (a frozen host, a network partition) kept the publish, and
// any HTTP handler awaiting it during a drain, for ~3 heartbeats (30 s at the default 10 s), past
// stopTimeout. It now rejects KRATOS_AMQP_PUBLISH_NOT_CONFIRMED after publishTimeout (default 5 s).

let rabbit: RabbitProcess;
beforeAll(async () => {
  rabbit = await startRabbit();
}, 90_000);
afterAll(async () => {
  await rabbit?.dispose();
}, 60_000);

it('a publish to a broker that stopped answering rejects with KRATOS_AMQP_PUBLISH_NOT_CONFIRMED after publishTimeout (5 s), not after the heartbeats', async () => {
  const connection = new AmqpConnection({ url: rabbit.url });
  await connection.open(AbortSignal.timeout(10_000));
  await connection.publish('nowhere', 'warm-up'); // confirmed (unroutable: dropped)
  await rabbit.freeze();
  try {
    const at = performance.now();
    const error = await connection.publish('nowhere', 'x').then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    const tookMs = performance.now() - at;
    expect(isKratosError(error) && error.code).toBe(AmqpErrorCode.PublishNotConfirmed);
    expect(String((error as Error).message)).toContain('publishTimeout');
    expect(tookMs).toBeLessThan(5_000 + 3_000); // the heartbeats would take ~30 s
  } finally {
    rabbit.resume();
  }
  await connection.close(AbortSignal.timeout(2_000));
}, 90_000);
