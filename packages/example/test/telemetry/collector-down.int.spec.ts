import { describe, expect, it } from '@jest/globals';
import { freePort } from '../../../bench/src/fleet/etcd-process.js';
import { ExampleInstance } from '../../../bench/src/fleet/example-instance.js';
import { tracedGet } from '../support/traced-request.js';

// Issue 16's proof: with the OTLP receiver down (a closed port: every export is refused, and the
// exporter retries it for up to its own 10 s timeout), SIGTERM → exit within the drain + the stop +
// the telemetry's own bound (2000 ms), not after the exporter gave up.

const DRAIN_DELAY_MS = 500;
const TELEMETRY_TIMEOUT_MS = 2_000;
/** Spawning aside, what the stop itself may take on a busy machine (servers, hooks, the exit). */
const STOP_ALLOWANCE_MS = 1_500;

describe('the example with its OTLP receiver down', () => {
  it('exits 0 within drain + stop + the telemetry timeout of SIGTERM, and says the flush was abandoned', async () => {
    const closedPort = await freePort();
    const instance = new ExampleInstance(undefined, Date.now(), {
      GRPC_PORT: 'off',
      DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    try {
      await instance.serving();
      // Spans pending export, so that the flush has something to send to nobody.
      for (let i = 0; i < 5; i += 1)
        expect((await tracedGet(`${instance.endpoints[0]}/hello`)).status).toBe(200);

      expect(await instance.stop('SIGTERM')).toBe(0);

      const { signalled = NaN, exited = NaN } = instance.timeline;
      const took = exited - signalled;
      expect(took).toBeGreaterThanOrEqual(DRAIN_DELAY_MS);
      expect(took).toBeLessThan(DRAIN_DELAY_MS + TELEMETRY_TIMEOUT_MS + STOP_ALLOWANCE_MS);
      expect(instance.output()).toContain('"code":"KRATOS_TELEMETRY_SHUTDOWN_TIMEOUT"');
    } finally {
      instance.kill();
    }
  });
});
