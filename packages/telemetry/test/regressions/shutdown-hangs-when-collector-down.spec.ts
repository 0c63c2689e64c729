import { afterEach, describe, expect, it } from '@jest/globals';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { KratosTelemetry, TelemetryWarningCode } from '@kratos-ts/telemetry';
import { fakeServer, recordingLogger, virtualKernel } from '@kratos-ts/testing';

// The defect (opentelemetry-js-contrib#3349): with the collector down, the SDK's shutdown keeps
// retrying the export and blocks the exit for seconds (the OTLP exporter's retries run up to its
// 10 s timeout). Here the shutdown is bounded by shutdownTimeout (default 2000 ms): past it, it
// settles as `timeout`, says so at warn level, and the exit goes on. Virtual time: no real wait.

/**
 * A span processor whose flush and shutdown do not settle until `release()`: an exporter stuck on
 * a collector that is down. Released after each test, so that the SDK's own flush timer (30 s)
 * does not outlive it.
 */
let pending: (() => void)[] = [];
const stuck: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => new Promise<void>((resolve) => pending.push(resolve)),
  shutdown: () => new Promise<void>((resolve) => pending.push(resolve)),
};
afterEach(() => {
  pending.forEach((release) => release());
  pending = [];
});

describe('regression: the shutdown blocks the exit when the collector is down', () => {
  it.each([
    { shutdownTimeout: undefined, bound: 2_000 },
    { shutdownTimeout: 500, bound: 500 },
  ])(
    'settles as timeout $bound ms after the kernel completed (shutdownTimeout $shutdownTimeout), with KRATOS_TELEMETRY_SHUTDOWN_TIMEOUT',
    async ({ shutdownTimeout, bound }) => {
      const vk = virtualKernel({ options: { name: 'greeter' }, servers: [fakeServer({ name: 'api' })] });
      const logger = recordingLogger(() => vk.scheduler.now());
      const telemetry = new KratosTelemetry({
        export: false,
        prometheus: false,
        spanProcessors: [stuck],
        logger,
        scheduler: vk.scheduler,
        ...(shutdownTimeout === undefined ? {} : { shutdownTimeout }),
      }).start(vk.kernel);
      let settled: unknown;
      expect(await vk.run(() => vk.signalAt(100))).toEqual({ ok: true });
      const stoppedAt = vk.scheduler.now();
      void telemetry.shutdown().then((outcome) => (settled = outcome));

      await vk.advanceBy(bound - 1);
      expect(settled).toBeUndefined();
      await vk.advanceBy(1);
      expect(settled).toEqual({ status: 'timeout', durationMs: bound });
      expect(vk.scheduler.now() - stoppedAt).toBe(bound);
      const warning = logger.records.find((record) => record.level === 'warn');
      expect(warning?.fields).toEqual({ code: TelemetryWarningCode.ShutdownTimedOut, timeoutMs: bound });
      expect(warning?.msg).toContain(`did not flush within ${bound} ms (shutdownTimeout)`);
    },
  );
});
