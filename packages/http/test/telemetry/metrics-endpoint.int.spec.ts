import { afterEach, describe, expect, it } from '@jest/globals';
import type { MetricsSource } from '@kratos-ts/core';
import { isKratosError } from '@kratos-ts/core';
import { fakeKernelView, recordingLogger } from '@kratos-ts/testing';
import { SpanKind } from '@opentelemetry/api';
import { HttpErrorCode, HttpServer, HttpWarningCode, type HttpServerOptions } from '../../src/index.js';
import { deferred } from '../support/deferred.js';
import { get, RawHttpClient } from '../support/http-client.js';
import { never } from '../support/serve.js';
import { installInMemoryTelemetry } from './support/in-memory-telemetry.js';

// `HttpServer`'s `metrics` option: GET /metrics answered from a MetricsSource, like the probes.
const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';
const running: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop(AbortSignal.abort())));
});

/** A source that counts its scrapes and answers `kratos_lifecycle_ready <ready>`. */
function fakeMetrics(): MetricsSource & { scrapes: number; ready: number } {
  const source = {
    scrapes: 0,
    ready: 1,
    collect() {
      source.scrapes += 1;
      return Promise.resolve({ contentType: EXPOSITION, body: `kratos_lifecycle_ready ${source.ready}\n` });
    },
  };
  return source;
}

async function start(options: Partial<HttpServerOptions> & Pick<HttpServerOptions, 'handler'>) {
  const logger = recordingLogger();
  const kernel = fakeKernelView({ logger });
  const server = new HttpServer({ host: '127.0.0.1', port: 0, name: 'api', ...options });
  server.attachKernel(kernel);
  await server.start(never());
  running.push(server);
  const base = server.endpoint();
  return { server, kernel, logger, base, port: Number(new URL(base).port) };
}

describe('GET /metrics', () => {
  it("answers collect()'s body with its content type, before the handler (which never sees it); HEAD too", async () => {
    const metrics = fakeMetrics();
    const seen: string[] = [];
    const { base } = await start({
      metrics,
      handler: (req, res) => {
        seen.push(req.url ?? '');
        res.end('app');
      },
    });
    const reply = await get(`${base}/metrics?name[]=x`, { agent: false });
    expect([reply.status, reply.headers['content-type'], reply.body]).toEqual([
      200,
      EXPOSITION,
      'kratos_lifecycle_ready 1\n',
    ]);
    expect(reply.headers['cache-control']).toBe('no-store');
    const head = await get(`${base}/metrics`, { agent: false, method: 'HEAD' });
    expect([head.status, head.body]).toEqual([200, '']);
    // Another method, or another path that starts alike, is the app's.
    expect((await get(`${base}/metrics`, { agent: false, method: 'POST' })).body).toBe('app');
    expect((await get(`${base}/metricsfoo`, { agent: false })).body).toBe('app');
    expect(seen).toEqual(['/metrics', '/metricsfoo']);
    expect(metrics.scrapes).toBe(2);
  });

  it('without the option, /metrics is a path of the app like any other', async () => {
    const { base } = await start({ handler: (_req, res) => res.end('app') });
    expect((await get(`${base}/metrics`, { agent: false })).body).toBe('app');
  });

  it('served while the kernel is stopping (/readyz already 503) and through the drain, while an in-flight request holds it', async () => {
    const telemetry = installInMemoryTelemetry();
    try {
      const metrics = fakeMetrics();
      const release = deferred();
      const arrived = deferred();
      const { server, kernel, port } = await start({
        metrics,
        handler: async (_req, res) => {
          arrived.resolve();
          await release.promise;
          res.end('done');
        },
      });
      const held = await RawHttpClient.connect(port);
      held.send('/slow');
      await arrived.promise;
      // A second connection, open before the stop, that sends its scrape once the drain began.
      const scraper = await RawHttpClient.connect(port);

      kernel.enter('stopping');
      metrics.ready = 0;
      const early = await RawHttpClient.connect(port);
      early.send('/readyz');
      expect((await early.read()).status).toBe(503);
      early.send('/metrics');
      const duringStopping = await early.read();
      expect([duringStopping.status, duringStopping.body]).toEqual([200, 'kratos_lifecycle_ready 0\n']);

      let stopped = false;
      const stopping = server.stop(never()).then(() => (stopped = true));
      expect(server.phase).toBe('draining');
      scraper.send('/metrics');
      const duringDrain = await scraper.read();
      expect([duringDrain.status, duringDrain.body]).toEqual([200, 'kratos_lifecycle_ready 0\n']);
      expect(duringDrain.headers.connection).toBe('close');
      expect(await scraper.closed).toBeDefined();
      // The scrape neither ended the drain nor counts as a request in flight: the held request does.
      expect(stopped).toBe(false);
      expect(await telemetry.sum('http.server.active_requests')).toEqual([
        {
          attributes: { 'http.request.method': 'GET', 'url.scheme': 'http', 'kratos.server': 'api' },
          value: 1,
        },
      ]);

      release.resolve();
      expect((await held.read()).body).toBe('done');
      await stopping;
      expect(stopped).toBe(true);
      // Only the held request was traced: scrapes and probes are not.
      const spans = telemetry.spans().filter((span) => span.kind === SpanKind.SERVER);
      expect(spans.map((span) => span.attributes['url.path'])).toEqual(['/slow']);
      expect(metrics.scrapes).toBe(2);
    } finally {
      await telemetry.uninstall();
    }
  });

  it('a collect() that rejects, throws or resolves with no text: 500 with a short text, an error logged with KRATOS_HTTP_METRICS_FAILED; serving goes on', async () => {
    let failure: () => Promise<{ contentType: string; body: string }> = () =>
      Promise.reject(new Error('meter provider shut down'));
    const { base, logger } = await start({
      metrics: { collect: () => failure() },
      handler: (_req, res) => res.end('app'),
    });
    const rejected = await get(`${base}/metrics`, { agent: false });
    expect([rejected.status, rejected.body]).toEqual([500, 'metrics collection failed\n']);
    failure = () => {
      throw new Error('sync throw');
    };
    expect((await get(`${base}/metrics`, { agent: false })).status).toBe(500);
    failure = () => Promise.resolve({ contentType: EXPOSITION } as { contentType: string; body: string });
    expect((await get(`${base}/metrics`, { agent: false })).status).toBe(500);
    expect((await get(`${base}/work`, { agent: false })).body).toBe('app');

    const errors = logger.records.filter((record) => record.level === 'error');
    expect(errors.map((record) => (record.fields as { code?: string }).code)).toEqual([
      HttpWarningCode.MetricsFailed,
      HttpWarningCode.MetricsFailed,
      HttpWarningCode.MetricsFailed,
    ]);
    expect(errors[0]!.msg).toContain('HTTP server "api" answered GET /metrics with 500');
    expect(errors[0]!.msg).toContain('meter provider shut down');
    expect(errors[1]!.msg).toContain('sync throw');
    expect(errors[2]!.msg).toContain('collect() must resolve with { contentType: string, body: string }');
  });

  it('an invalid metrics option: KRATOS_HTTP_INVALID_OPTIONS naming it; a probe on /metrics too', () => {
    const refused = (options: unknown): string => {
      try {
        new HttpServer({ handler: () => undefined, ...(options as object) });
      } catch (error) {
        if (isKratosError(error) && error.code === HttpErrorCode.InvalidOptions) return error.message;
        throw error;
      }
      throw new Error('accepted');
    };
    expect(refused({ metrics: 'prometheus' })).toContain('metrics must be a MetricsSource');
    expect(refused({ metrics: { collect: 1 } })).toContain('metrics must be a MetricsSource');
    expect(refused({ metrics: fakeMetrics(), health: { readyPath: '/metrics' } })).toContain(
      'metrics are served on /metrics, which a health path also is',
    );
    // Without metrics a probe may live on /metrics.
    expect(
      () => new HttpServer({ handler: () => undefined, health: { readyPath: '/metrics' } }),
    ).not.toThrow();
  });
});
