import { afterEach, describe, expect, it } from '@jest/globals';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { kratosTracer, producerSpan, tracingActive } from '../../src/internal.js';
import { registerInMemoryOtel, type InMemoryOtel } from './in-memory-otel.js';

// The broker adapters' shared telemetry helpers: the PRODUCER span of a publish and the check that
// lets a hot path skip tracing while no SDK is registered.
describe('producerSpan and tracingActive', () => {
  const tracer = kratosTracer('@kratos-ts/test');
  let otel: InMemoryOtel | undefined;

  afterEach(async () => {
    await otel?.close();
    otel = undefined;
    propagation.disable();
    context.disable();
    trace.disable();
  });

  it('without an SDK: tracing is inactive, no header, no attribute built', () => {
    trace.disable();
    let built = 0;
    const span = producerSpan(tracer, 'greetings', () => {
      built += 1;
      return {};
    });
    span.end(new Error('lost'));
    expect(tracingActive()).toBe(false);
    expect(span.traceHeaders).toBeUndefined();
    expect(built).toBe(0);
  });

  it('with an SDK: a PRODUCER span under the active one, its traceparent in the headers, a failure recorded', () => {
    otel = registerInMemoryOtel();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    expect(tracingActive()).toBe(true);
    const parent = tracer.startSpan('handler', {}, ROOT_CONTEXT);
    const span = context.with(trace.setSpan(ROOT_CONTEXT, parent), () =>
      producerSpan(tracer, 'greetings.done', () => ({ 'messaging.system': 'rabbitmq' })),
    );
    span.end(new Error('not confirmed'));
    parent.end();

    const published = otel.span('publish greetings.done');
    expect(published.kind).toBe(SpanKind.PRODUCER);
    expect(published.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(published.attributes).toEqual({ 'messaging.system': 'rabbitmq' });
    expect(published.status).toEqual({ code: SpanStatusCode.ERROR, message: 'not confirmed' });
    expect(published.events.map((event) => event.name)).toEqual(['exception']);
    const { traceId, spanId } = published.spanContext();
    expect(span.traceHeaders).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
  });

  it('is inactive again once the SDK is disabled', () => {
    otel = registerInMemoryOtel();
    expect(tracingActive()).toBe(true);
    trace.disable();
    expect(tracingActive()).toBe(false);
  });
});
