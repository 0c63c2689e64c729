import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsumerServer } from '@kratos-ts/consumer';
import { isKratosError } from '@kratos-ts/core';
import { NatsConnection, NatsErrorCode, natsConsumer, DEAD_LETTER_HEADERS } from '@kratos-ts/nats';
import { startNats, type NatsProcess } from '../../bench/src/brokers/nats-process.js';
import { createStreams, readStream, recordingLogger, sideClient, until } from './support/nats-fixture.js';

// Every test against a real nats-server -js on loopback, one stream per test. What both adapters
// promise (the drain's order, abandonment at stopTimeout …) is in the consumer contract suite,
// packages/consumer/test/contract; here, what is JetStream's own (headers, acks, logs).

let nats: NatsProcess;
let counter = 0;
const live = (): AbortSignal => new AbortController().signal;
const json = (value: unknown): string => JSON.stringify(value);

beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats.dispose();
});

async function setup(
  prefix: string,
): Promise<{ stream: string; connection: NatsConnection; close: () => Promise<void> }> {
  counter += 1;
  const stream = `${prefix}${counter}`;
  await createStreams(nats.url, stream);
  const connection = new NatsConnection({ url: nats.url, reconnectMaxMs: 200 });
  await connection.open(live());
  return { stream, connection, close: () => connection.close(AbortSignal.timeout(2_000)) };
}

describe('NatsConnection and natsConsumer against a real nats-server', () => {
  it('handles a message and acks it: nothing is redelivered', async () => {
    const { stream, connection, close } = await setup('ok');
    const handled: string[] = [];
    const server = new ConsumerServer<{ id: string }>({
      adapter: natsConsumer(connection, { stream }),
      queue: 'worker',
      handler: (message) => void handled.push(message.id),
    });
    await server.start(live());
    const ack = await connection.publish(stream, json({ id: 'a' }));
    expect(ack.stream).toBe(stream);
    await until(() => handled.length === 1);
    await expect(server.stop(AbortSignal.timeout(5_000))).resolves.toEqual({ abandoned: 0 });
    const info = await connection
      .jetstream()
      .consumers.get(stream, 'worker')
      .then((c) => c.info());
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(handled).toEqual(['a']);
    await close();
  });

  it('a poison message is retried maxAttempts times, then dead-lettered with its cause in headers, and not retried forever', async () => {
    const { stream, connection, close } = await setup('poison');
    const attempts: number[] = [];
    const server = new ConsumerServer<{ id: string }>({
      adapter: natsConsumer(connection, { stream }),
      queue: 'worker',
      maxAttempts: 3,
      handler: (_message, { attempt }) => {
        attempts.push(attempt);
        throw new Error('always fails');
      },
    });
    await server.start(live());
    await connection.publish(stream, json({ id: 'poison' }));
    const side = await sideClient(nats.url);
    const dead = await readStream(side, `${stream}-dead`, 1);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.headers?.get(DEAD_LETTER_HEADERS.reason)).toContain('always fails');
    expect(dead[0]?.headers?.get(DEAD_LETTER_HEADERS.attempt)).toBe('3');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attempts).toEqual([1, 2, 3]);
    const info = await connection
      .jetstream()
      .consumers.get(stream, 'worker')
      .then((c) => c.info());
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    await server.stop(AbortSignal.timeout(5_000));
    await side.close();
    await close();
  });

  it('an undecodable message is dead-lettered at once (no retries)', async () => {
    const { stream, connection, close } = await setup('undecodable');
    let calls = 0;
    const server = new ConsumerServer({
      adapter: natsConsumer(connection, { stream }),
      queue: 'worker',
      handler: () => void (calls += 1),
    });
    await server.start(live());
    await connection.publish(stream, 'not json');
    const side = await sideClient(nats.url);
    const dead = await readStream(side, `${stream}-dead`, 1);
    expect(new TextDecoder().decode(dead[0]?.data)).toBe('not json');
    expect(dead[0]?.headers?.get(DEAD_LETTER_HEADERS.attempt)).toBe('1');
    expect(dead[0]?.headers?.get(DEAD_LETTER_HEADERS.reason)).toContain('decoded');
    expect(calls).toBe(0);
    await server.stop(AbortSignal.timeout(5_000));
    await side.close();
    await close();
  });

  it('publish is confirmed by a JetStream ack; no stream → KRATOS_NATS_PUBLISH_FAILED; after close → KRATOS_NATS_NOT_OPEN', async () => {
    const { stream, connection, close } = await setup('publish');
    const ack = await connection.publish(stream, json({ id: 'p' }));
    expect(ack).toMatchObject({ stream, seq: 1 });
    const unconfirmed = await connection.publish('no.stream.here', 'x').catch((error: unknown) => error);
    expect(isKratosError(unconfirmed) && unconfirmed.code).toBe(NatsErrorCode.PublishFailed);
    await close();
    const closed = await connection.publish(stream, 'x').catch((error: unknown) => error);
    expect(isKratosError(closed) && closed.code).toBe(NatsErrorCode.NotOpen);
  });

  it('broker stopped and started while consuming: the loss and the recovery are each logged once, and the consumer resumes', async () => {
    counter += 1;
    const stream = `restart${counter}`;
    await createStreams(nats.url, stream);
    const { lines, logger } = recordingLogger();
    const connection = new NatsConnection({ url: nats.url, reconnectMaxMs: 200, logger });
    await connection.open(live());
    const handled: string[] = [];
    const server = new ConsumerServer<{ id: string }>({
      adapter: natsConsumer(connection, { stream, pullExpiresMs: 1_000 }),
      queue: 'worker',
      handler: (message) => void handled.push(message.id),
    });
    await server.start(live());
    await connection.publish(stream, json({ id: 'before' }));
    await until(() => handled.length === 1);
    await nats.stop();
    await nats.start();
    await until(() => lines.some((line) => line.message.startsWith('Reconnected')), 15_000, 'reconnected');
    await connection.publish(stream, json({ id: 'after' }));
    await until(() => handled.includes('after'), 15_000, 'handled after restart');
    expect(lines.filter((line) => line.message.startsWith('Lost the connection'))).toHaveLength(1);
    expect(lines.filter((line) => line.message.startsWith('Reconnected'))).toHaveLength(1);
    await server.stop(AbortSignal.timeout(5_000));
    await connection.close(AbortSignal.timeout(2_000));
  });

  it('broker down during the stop: the stop (and the close) still end by their signal', async () => {
    const { stream, connection } = await setup('down');
    let release: (() => void) | undefined;
    const server = new ConsumerServer<{ id: string }>({
      adapter: natsConsumer(connection, { stream }),
      queue: 'worker',
      handler: () => new Promise<void>((resolve) => (release = resolve)),
    });
    await server.start(live());
    await connection.publish(stream, json({ id: 'x' }));
    await until(() => release !== undefined);
    await nats.freeze(); // sockets open, nothing answers: the ack of the finished handler is never confirmed
    try {
      const at = performance.now();
      const stopping = server.stop(AbortSignal.timeout(500));
      release?.();
      await stopping;
      const stoppedMs = performance.now() - at;
      await connection.close(AbortSignal.timeout(500));
      // It waited for the broker (the ack unconfirmed) until the signal, not for ackAck's 5 s timeout.
      expect(stoppedMs).toBeGreaterThanOrEqual(450);
      expect(performance.now() - at).toBeLessThan(4_000);
    } finally {
      nats.resume();
    }
    await connection.close(AbortSignal.timeout(2_000));
  });

  it('a planted password never appears in a log line or an error', async () => {
    const { lines, logger } = recordingLogger();
    const url = `nats://admin:Pl4nted-S3cret@127.0.0.1:${nats.port}`;
    const connection = new NatsConnection({ url, logger });
    // nats-server here has no auth: the credentials are refused or ignored; either way none is echoed.
    const error = await connection.open(AbortSignal.timeout(3_000)).catch((e: unknown) => e);
    const bad = (() => {
      try {
        return new NatsConnection({ url, bogus: 1 } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(isKratosError(bad) && bad.code).toBe(NatsErrorCode.InvalidOptions);
    const texts = [
      JSON.stringify(lines),
      String(error),
      (error as Error | undefined)?.stack ?? '',
      String(bad),
      connection.url,
    ];
    for (const text of texts) expect(text).not.toContain('Pl4nted-S3cret');
    expect(connection.url).toContain('***@127.0.0.1');
    await connection.close(AbortSignal.timeout(1_000));
  });

  it('bad options are coded errors naming the culprit', () => {
    const codeOf = (make: () => unknown): unknown => {
      try {
        make();
      } catch (error) {
        return isKratosError(error) ? `${error.code} ${error.message}` : error;
      }
      return 'no error';
    };
    expect(codeOf(() => new NatsConnection({ url: '' }))).toMatch(/KRATOS_NATS_INVALID_OPTIONS[\s\S]*url/);
    expect(codeOf(() => new NatsConnection({ url: 'nats://127.0.0.1:1', timeout: 1 } as never))).toMatch(
      /KRATOS_NATS_INVALID_OPTIONS[\s\S]*unknown option "timeout"/,
    );
    const connection = new NatsConnection({ url: 'nats://127.0.0.1:1' });
    expect(codeOf(() => natsConsumer(connection, { stream: '' }))).toMatch(
      /KRATOS_NATS_INVALID_OPTIONS[\s\S]*stream/,
    );
    expect(codeOf(() => natsConsumer(connection, { stream: 's', deadLetterSubject: '' }))).toMatch(
      /deadLetterSubject/,
    );
    expect(codeOf(() => natsConsumer(connection, { stream: 's', prefech: 1 } as never))).toMatch(
      /unknown option "prefech"/,
    );
  });

  it('publish with an empty subject is a coded error', async () => {
    const connection = new NatsConnection({ url: nats.url });
    await expect(connection.publish('', 'x')).rejects.toMatchObject({ code: NatsErrorCode.InvalidOptions });
  });
});
