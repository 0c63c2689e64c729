import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NatsConnection, NatsErrorCode } from '@kratos-ts/nats';
import { startNats, type NatsProcess } from '../../../bench/src/brokers/nats-process.js';
import { recordingLogger, until } from '../support/nats-fixture.js';

// The defect: NatsConnection doubled its reconnect wait on every call of nats.js's
// reconnectDelayHandler, which nats.js calls on every turn of its dial loop (waiting turns
// included): after a few hundred ms of outage the wait was already 5 s, so a server back after a
// short restart was found ~5 s later, and every consumer idled meanwhile. The bound below is
// generous (the default first wait is 100 ms); the defect took 4.8–5.1 s.

let nats: NatsProcess;

beforeAll(async () => {
  nats = await startNats();
}, 30_000);

afterAll(async () => {
  await nats?.dispose();
});

describe('NatsConnection after a short server restart', () => {
  it('reconnects within a second or two of the server being back, not after the longest backoff', async () => {
    const { logger, lines } = recordingLogger();
    const connection = new NatsConnection({ url: nats.url, logger });
    await connection.open();
    try {
      await nats.stop();
      await until(
        () => lines.some((line) => hasCode(line.fields, NatsErrorCode.ConnectionLost)),
        10_000,
        'the loss',
      );
      await new Promise((resolve) => setTimeout(resolve, 300)); // a short outage
      await nats.start();
      const back = Date.now();
      await until(
        () => lines.some((line) => hasCode(line.fields, NatsErrorCode.ConnectionRecovered)),
        15_000,
        'the recovery',
      );
      expect(Date.now() - back).toBeLessThan(2_000);
    } finally {
      await connection.close(AbortSignal.timeout(2_000));
    }
  }, 30_000);
});

function hasCode(fields: unknown, code: string): boolean {
  return typeof fields === 'object' && fields !== null && (fields as { code?: unknown }).code === code;
}
