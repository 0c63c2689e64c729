import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'amqplib';
import { startRabbit, type RabbitProcess } from '../../src/brokers/rabbit-process.js';
import {
  alive,
  listenersOn,
  listeningAddresses,
  pidOf,
  processesMatching,
  sessionOf,
  stillOnDisk,
} from './broker-probes.js';

// The RabbitMQ broker the consumer tests run against: a real RabbitMQ 3.10 node on free loopback
// ports with a temp base dir and its own epmd. One node for this file (it stops and kills it).
let rabbit: RabbitProcess;
let epmdLoopback: string[];
beforeAll(async () => {
  rabbit = await startRabbit();
  epmdLoopback = [`127.0.0.1:${rabbit.epmdPort}`, `[::1]:${rabbit.epmdPort}`];
}, 90_000);
afterAll(async () => {
  await rabbit?.dispose();
}, 60_000);

/** Declares durable `queue` and publishes a persistent `body` to it on a confirm channel. */
async function publishConfirmed(url: string, queue: string, body: string): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    channel.sendToQueue(queue, Buffer.from(body), { persistent: true });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Declares durable `queue`. */
async function declareQueue(url: string, queue: string): Promise<void> {
  const connection = await connect(url);
  try {
    await (await connection.createChannel()).assertQueue(queue, { durable: true });
  } finally {
    await connection.close();
  }
}

/** Consumes one message of `queue`, acks it, and returns its body. */
async function consumeOne(url: string, queue: string): Promise<string> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true });
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing consumed from ${queue} within 15 s`)), 15_000);
      void channel.consume(queue, (message) => {
        if (!message) return;
        clearTimeout(timer);
        channel.ack(message);
        resolve(message.content.toString());
      });
    });
  } finally {
    await connection.close();
  }
}

describe('startRabbit()', () => {
  it('listens on loopback only: AMQP, distribution and its own epmd, on 127.0.0.1 (epmd on ::1 too)', () => {
    expect(rabbit.url).toBe(`amqp://127.0.0.1:${rabbit.port}`);
    const broker = processesMatching(rabbit.baseDir).map(pidOf);
    expect(broker.length).toBeGreaterThan(0);
    const addresses = listeningAddresses(broker);
    expect(addresses).toContain(`127.0.0.1:${rabbit.port}`);
    expect(addresses.filter((address) => !address.startsWith('127.0.0.1:'))).toEqual([]);
    const epmd = listenersOn(rabbit.epmdPort);
    expect(epmd.length).toBeGreaterThan(0);
    expect(epmd.filter((address) => !epmdLoopback.includes(address))).toEqual([]);
  });

  it('a real round trip as guest: a durable queue, publish with confirm, consume, ack', async () => {
    await publishConfirmed(rabbit.url, 'round-trip', 'hello');
    await expect(consumeOne(rabbit.url, 'round-trip')).resolves.toBe('hello');
  });

  it('stop() then start() on the same port and data: a persistent message survives', async () => {
    await publishConfirmed(rabbit.url, 'kept', 'persistent');
    await declareQueue(rabbit.url, 'for-kill'); // for the next test, on disk after a clean stop
    const pidBefore = rabbit.pid;

    await rabbit.stop();
    expect(processesMatching(rabbit.nodeName)).toEqual([]);
    expect(processesMatching(rabbit.baseDir)).toEqual([]);
    expect(listenersOn(rabbit.port)).toEqual([]);
    await expect(connect(rabbit.url, { timeout: 1_000 })).rejects.toThrow();
    await rabbit.start();

    expect(rabbit.pid).not.toBe(pidBefore);
    await expect(consumeOne(rabbit.url, 'kept')).resolves.toBe('persistent');
  }, 90_000);

  it('kill() then start(): a confirmed persistent message on an established queue survives a SIGKILL too', async () => {
    // 'for-kill' was declared before the clean restart above and never consumed. A queue declared
    // just before a SIGKILL can itself be lost (its declaration not on disk yet: 1 time in 4 here),
    // and a message acked just before one can come back (the ack not on disk yet): a confirmed
    // message is on disk.
    await publishConfirmed(rabbit.url, 'for-kill', 'persistent after kill');
    const session = sessionOf(rabbit.pid!); // the script, beam and its port programs
    const beam = processesMatching(rabbit.nodeName).map(pidOf);
    expect(beam).toHaveLength(1);
    expect(processesMatching(rabbit.baseDir).map(pidOf)).toEqual(beam);
    expect(session).toEqual(expect.arrayContaining([rabbit.pid, ...beam]));
    await rabbit.kill();
    expect(processesMatching(rabbit.nodeName)).toEqual([]);
    expect(processesMatching(rabbit.baseDir)).toEqual([]);
    expect(listenersOn(rabbit.port)).toEqual([]);
    // Its own epmd outlives the node (as on a host): the restarted node registers with it again.
    expect(listenersOn(rabbit.epmdPort).length).toBeGreaterThan(0);
    expect(session.filter(alive)).toEqual([]);
    await rabbit.start();

    await expect(consumeOne(rabbit.url, 'for-kill')).resolves.toBe('persistent after kill');
  }, 90_000);

  it('dispose() leaves no process (node, its port programs, epmd), no listener and no temp dir', async () => {
    const leader = rabbit.pid!;
    const broker = processesMatching(rabbit.nodeName);
    expect(broker.join('\n')).toContain('beam.smp');
    expect(listenersOn(rabbit.epmdPort).length).toBeGreaterThan(0);

    await rabbit.dispose();

    expect(processesMatching(rabbit.nodeName)).toEqual([]);
    expect(processesMatching(rabbit.baseDir)).toEqual([]);
    expect(sessionOf(leader)).toEqual([]);
    expect(listenersOn(rabbit.port)).toEqual([]);
    expect(listenersOn(rabbit.epmdPort)).toEqual([]);
    expect(stillOnDisk(rabbit.baseDir)).toBe(false);
  }, 60_000);
});
