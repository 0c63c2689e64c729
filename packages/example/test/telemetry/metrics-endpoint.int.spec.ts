import { describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ExampleInstance } from '../../../bench/src/fleet/example-instance.js';

// METRICS=1: the example serves GET /metrics (Prometheus text) on its HTTP port, through the drain:
// while /readyz answers 503, a scrape still answers, and reads kratos_lifecycle_ready 0. Without
// METRICS nor OTEL_EXPORTER_OTLP_ENDPOINT it loads no OpenTelemetry SDK at all (checked by a
// preloaded script that reports, at exit, whether any module of @opentelemetry/sdk-node ran).

const REPORT = fileURLToPath(new URL('../fixtures/report-opentelemetry-sdk.cjs', import.meta.url));

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const gauge = (body: string, name: string, labels = ''): string | undefined =>
  body
    .split('\n')
    .find((line) => line.startsWith(`${name}{`) && line.includes(labels))
    ?.split(' ')
    .at(-1);

async function sdkLoaded(env: Record<string, string>): Promise<{ loaded: boolean; metricsStatus: number }> {
  const instance = new ExampleInstance(undefined, Date.now(), {
    GRPC_PORT: 'off',
    NODE_OPTIONS: `--require ${REPORT}`,
    ...env,
  });
  try {
    await instance.serving();
    const { status } = await get(`${instance.endpoints[0]}/metrics`);
    expect(await instance.stop()).toBe(0);
    const report = /\{"opentelemetrySdkLoaded":(true|false)\}/.exec(instance.output());
    if (!report) throw new Error(`no report from the preloaded script:\n${instance.output()}`);
    return { loaded: report[1] === 'true', metricsStatus: status };
  } finally {
    instance.kill();
  }
}

describe('the example with METRICS=1', () => {
  it('serves /metrics through the drain: ready 1 while running, 0 (state stopping) while draining and /readyz says 503', async () => {
    const instance = new ExampleInstance(undefined, Date.now(), {
      GRPC_PORT: 'off',
      METRICS: '1',
      DRAIN_DELAY_MS: '1000',
    });
    try {
      await instance.serving();
      const base = instance.endpoints[0]!;
      expect((await get(`${base}/hello?name=Ada`)).status).toBe(200);
      const running = await get(`${base}/metrics`);
      expect(running.status).toBe(200);
      expect(gauge(running.body, 'kratos_lifecycle_ready')).toBe('1');
      expect(gauge(running.body, 'kratos_lifecycle_state', 'state="running"')).toBe('1');
      expect(gauge(running.body, 'http_server_request_duration_seconds_count', 'http_route="/hello"')).toBe(
        '1',
      );
      expect(running.body).toMatch(/^target_info\{.*service_instance_id="[0-9a-f-]{36}".*\} 1$/m);

      const exited = instance.stop();
      let draining: { status: number; body: string } | undefined;
      while (instance.timeline.exited === undefined && draining === undefined) {
        if ((await get(`${base}/readyz`)).status === 503) draining = await get(`${base}/metrics`);
      }
      expect(draining?.status).toBe(200);
      expect(gauge(draining?.body ?? '', 'kratos_lifecycle_ready')).toBe('0');
      expect(gauge(draining?.body ?? '', 'kratos_lifecycle_state', 'state="stopping"')).toBe('1');
      expect(await exited).toBe(0);
    } finally {
      instance.kill();
    }
  });
});

describe('the example without METRICS nor OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('loads no OpenTelemetry SDK, and /metrics is an ordinary route of its app (404); with METRICS=1 it does load it', async () => {
    expect(await sdkLoaded({})).toEqual({ loaded: false, metricsStatus: 404 });
    expect(await sdkLoaded({ METRICS: '1' })).toEqual({ loaded: true, metricsStatus: 200 });
  });
});
