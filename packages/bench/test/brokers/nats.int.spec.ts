import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNats, type NatsProcess } from '../../src/brokers/nats-process.js';
import { listeningAddresses, processesMatching, stillOnDisk } from './broker-probes.js';

// The NATS JetStream broker the consumer tests run against: a real nats-server 2.9 on free loopback
// ports with a temp store dir.
let nats: NatsProcess;
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats?.dispose();
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Publishes `body` with a publish ack, then takes it back with a durable pull consumer and acks it. */
async function roundTrip(url: string, stream: string, body: string): Promise<string> {
  const connection = await connect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    await manager.streams.add({ name: stream, subjects: [stream] });
    await manager.consumers.add(stream, { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
    const ack = await jetstream(connection).publish(stream, encoder.encode(body));
    expect(ack.stream).toBe(stream);
    const consumer = await jetstream(connection).consumers.get(stream, 'reader');
    const message = await consumer.next({ expires: 5_000 });
    if (!message) throw new Error('the pull consumer got nothing');
    await message.ackAck();
    return decoder.decode(message.data);
  } finally {
    await connection.close();
  }
}

describe('startNats()', () => {
  it('listens on loopback only: the client and monitor ports, on 127.0.0.1 and nothing else', () => {
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(listeningAddresses([nats.pid!]).sort()).toEqual(
      [`127.0.0.1:${nats.port}`, `127.0.0.1:${nats.monitorPort}`].sort(),
    );
  });

  it('a real round trip: create a stream, publish with ack, consume with a pull consumer and ack', async () => {
    await expect(roundTrip(nats.url, 'round-trip', 'hello')).resolves.toBe('hello');
  });

  it('stop() then start() on the same port and store: the stream and an unconsumed message survive', async () => {
    const connection = await connect({ servers: nats.url });
    const manager = await jetstreamManager(connection);
    await manager.streams.add({ name: 'kept', subjects: ['kept'] });
    await jetstream(connection).publish('kept', encoder.encode('persistent'));
    await connection.close();
    const pidBefore = nats.pid;

    await nats.stop();
    await expect(connect({ servers: nats.url, reconnect: false, timeout: 500 })).rejects.toThrow();
    await nats.start();

    expect(nats.pid).not.toBe(pidBefore);
    const again = await connect({ servers: nats.url });
    try {
      const info = await (await jetstreamManager(again)).streams.info('kept');
      expect(info.state.messages).toBe(1);
      const message = await (await jetstream(again).consumers.get('kept')).next({ expires: 5_000 });
      expect(message && decoder.decode(message.data)).toBe('persistent');
    } finally {
      await again.close();
    }
  });

  it('kill() then start(): the store survives a SIGKILL too', async () => {
    await nats.kill();
    await nats.start();
    const connection = await connect({ servers: nats.url });
    try {
      const info = await (await jetstreamManager(connection)).streams.info('kept');
      expect(info.state.messages).toBe(1);
    } finally {
      await connection.close();
    }
  });

  it('dispose() leaves no process and no store dir', async () => {
    const other = await startNats();
    expect(processesMatching(other.storeDir)).toHaveLength(1);

    await other.dispose();

    expect(processesMatching(other.storeDir)).toEqual([]);
    expect(processesMatching(`-p ${other.port} `)).toEqual([]);
    expect(stillOnDisk(other.storeDir)).toBe(false);
  });
});
