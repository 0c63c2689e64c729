import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AmqpConnection, AmqpErrorCode } from '@kratos-ts/amqp';
import type { Logger } from '@kratos-ts/core';
import { connect, type Channel } from 'amqplib';
import { startRabbit, type RabbitProcess } from '../../bench/src/brokers/rabbit-process.js';

// The `topology` option against a real RabbitMQ: declared at open, declared again on every
// reconnection (a broker that lost a queue gets it back before anyone consumes), and a refused
// declaration fails the open with its own code.

let rabbit: RabbitProcess;

beforeAll(async () => {
  rabbit = await startRabbit();
}, 90_000);

afterAll(async () => {
  await rabbit?.dispose();
}, 60_000);

/** Whether `queue` exists on the broker now, asked on a connection of its own. */
async function queueExists(queue: string): Promise<boolean> {
  const model = await connect(rabbit.url);
  try {
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    await channel.checkQueue(queue);
    return true;
  } catch {
    return false;
  } finally {
    await model.close().catch(() => undefined);
  }
}

function recording(): { logger: Logger; lines: { level: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: unknown) =>
    void lines.push({ level, fields: (fields ?? {}) as Record<string, unknown> });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('AmqpConnection topology', () => {
  it('a declaration the broker refuses fails open() with KRATOS_AMQP_TOPOLOGY_FAILED and leaves it closed', async () => {
    const setup = await connect(rabbit.url);
    await (await setup.createChannel()).assertQueue('topology-taken', { durable: true });
    await setup.close();
    const connection = new AmqpConnection({
      url: rabbit.url,
      // Declared before as durable: RabbitMQ refuses other arguments (PRECONDITION_FAILED).
      topology: async (channel: Channel) =>
        void (await channel.assertQueue('topology-taken', { durable: false })),
    });
    const error = (await connection.open().catch((caught: unknown) => caught)) as Error & { code?: string };
    expect(error.code).toBe(AmqpErrorCode.TopologyFailed);
    expect(error.message).toMatch(/PRECONDITION_FAILED/);
    expect(connection.state).toBe('closed');
    await expect(connection.publish('topology-taken', 'x')).rejects.toMatchObject({
      code: AmqpErrorCode.NotOpen,
    });
  });

  it('declares at open, and again after the broker lost the queue, before it says it recovered', async () => {
    const { logger, lines } = recording();
    const declared: number[] = [];
    const connection = new AmqpConnection({
      url: rabbit.url,
      logger,
      reconnectMaxDelay: 500,
      // A transient queue: gone once the broker restarts, as a broker without its data would be.
      topology: async (channel: Channel) => {
        await channel.assertQueue('topology-transient', { durable: false });
        declared.push(lines.length);
      },
    });
    await connection.open();
    try {
      expect(declared).toHaveLength(1);
      expect(await queueExists('topology-transient')).toBe(true);

      await rabbit.stop();
      await rabbit.start();
      const deadline = Date.now() + 30_000;
      while (connection.state !== 'open' || declared.length < 2) {
        if (Date.now() > deadline) throw new Error(`not reconnected: ${connection.state}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await queueExists('topology-transient')).toBe(true);
      // Declared before the recovery was announced (consumers resume after that line).
      const recovered = lines.findIndex((line) => line.fields.code === AmqpErrorCode.ConnectionRecovered);
      expect(recovered).toBeGreaterThanOrEqual(declared[1] ?? Infinity);
      await connection.publish('topology-transient', 'after the restart');
    } finally {
      await connection.close(AbortSignal.timeout(2_000));
    }
  }, 90_000);
});
