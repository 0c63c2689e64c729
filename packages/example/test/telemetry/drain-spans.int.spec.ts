import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';
import { ExampleInstance } from '../../../bench/src/fleet/example-instance.js';
import { getPrefix } from '../../../registry-etcd/test/support/etcd-http.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { tracedGet, type SentContext } from '../support/traced-request.js';

// Issue 16's proof: the example exporting over OTLP/HTTP to a real receiver, registered in a real
// etcd. Requests served during the drain (sent after SIGTERM, after the deregistration) are all
// exported before the process exits, by the flush that is the stop's last step: the batch delay
// and the metric interval are a minute, so nothing is exported before it. Every span's resource
// carries the instance id etcd lists; each request's traceparent makes its server span a child.

const N = 12;
const DRAIN_DELAY_MS = 1_500;

let etcd: EtcdProcess;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.dispose();
});

describe('the example exporting to an OTLP/HTTP receiver, through a drain', () => {
  it.each([
    { protocol: 'http/json', contentType: 'application/json' },
    { protocol: 'http/protobuf', contentType: 'application/x-protobuf' },
  ])(
    `OTEL_EXPORTER_OTLP_PROTOCOL=$protocol: ${N} requests served during the drain → ${N} server spans received before the exit, each with the instance id etcd lists`,
    async ({ protocol, contentType }) => {
      const receiver: OtlpReceiver = await startOtlpReceiver();
      const instance = new ExampleInstance(etcd.url, Date.now(), {
        GRPC_PORT: 'off',
        DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_BSP_SCHEDULE_DELAY: '60000',
        OTEL_METRIC_EXPORT_INTERVAL: '60000',
      });
      try {
        await instance.serving();
        const [stored] = await getPrefix(etcd.url, '/microservices/greeter/');
        const listedId = (JSON.parse(stored?.value ?? '{}') as { id?: string }).id;
        expect(listedId).toBe(instance.id);
        const hello = `${instance.endpoints[0]}/hello?name=drain`;

        const exited = instance.stop('SIGTERM');
        await waitUntil(() => instance.timeline.deregistered !== undefined);
        expect(receiver.spans).toEqual([]); // nothing exported before the flush
        const sent: (SentContext & { status: number })[] = [];
        for (let i = 0; i < N; i += 1) sent.push(await tracedGet(hello));
        expect(instance.timeline.listenerClosed).toBeUndefined(); // all of them inside the drain
        expect(sent.map((s) => s.status)).toEqual(Array(N).fill(200));

        expect(await exited).toBe(0);
        // Read at the exit, not waited for: what was not received by then never will be.
        const spans = [...receiver.spans];
        const served = spans.filter((span) => span.kind === 2 && span.attributes['url.path'] === '/hello');
        expect(served).toHaveLength(N);
        expect(served.map((span) => [span.traceId, span.parentSpanId]).sort()).toEqual(
          sent.map((s) => [s.traceId, s.spanId]).sort(),
        );
        expect(served[0]).toMatchObject({ name: 'GET /hello', scope: '@kratos-ts/http' });
        expect(new Set(spans.map((span) => span.resource['service.instance.id']))).toEqual(
          new Set([listedId]),
        );
        expect(spans[0]?.resource).toMatchObject({ 'service.name': 'greeter', 'service.version': '1.0.0' });
        expect([...receiver.contentTypes]).toEqual([contentType]);
        const metricNames = new Set(receiver.metrics.map((metric) => metric.name));
        expect(metricNames).toContain('http.server.request.duration');
        expect(new Set(receiver.metrics.map((metric) => metric.resource['service.instance.id']))).toEqual(
          new Set([listedId]),
        );
      } finally {
        instance.kill();
        await receiver.close();
      }
    },
  );
});

async function waitUntil(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
