import { describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { KratosTelemetry } from '@kratos-ts/telemetry';
import { appInfo } from '../support/app.js';
import { KeptSpans } from '../support/kept-spans.js';

// The defect (opentelemetry-js#3310): a SimpleSpanProcessor's shutdown shuts its exporter down
// without waiting for the exports it has pending. Its exports wait for the resource's async
// attributes (the host detector's host.id), so a span that ended shortly before the shutdown was
// silently lost by the SDK's shutdown alone. KratosTelemetry flushes the tracer provider first.

describe('regression: a SimpleSpanProcessor loses the spans it has pending at shutdown', () => {
  it('exports a span that ended just before the shutdown', async () => {
    const exporter = new KeptSpans();
    const telemetry = new KratosTelemetry({
      export: false,
      prometheus: false,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    }).start({ app: appInfo() });
    trace.getTracer('test').startSpan('last words').end();

    expect(await telemetry.shutdown()).toMatchObject({ status: 'flushed' });
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['last words']);
  });
});
