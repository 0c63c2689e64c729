import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import { describeError, kratosTracer } from '@kratos-ts/core/internal';

const tracer = kratosTracer('@kratos-ts/nats');

/** A publish's PRODUCER span and the trace headers to send with the message. */
export interface PublishSpan {
  /** `traceparent` (and `tracestate`) to add to the message's headers; `undefined` without a trace. */
  readonly traceHeaders: Readonly<Record<string, string>> | undefined;
  /** Ends the span: a failure when `error` is given. */
  end(error?: unknown): void;
}

/**
 * Starts the PRODUCER span `publish <subject>` of `NatsConnection.publish`, a child of the active
 * context (a handler's span, an HTTP request's), with the W3C headers that carry it to the
 * consumer, whose span links to it. Without an SDK: no span, no header.
 */
export function publishSpan(subject: string, msgId: string | undefined): PublishSpan {
  const parent = context.active();
  const span = tracer.startSpan(`publish ${subject}`, { kind: SpanKind.PRODUCER }, parent);
  // Attributes only for a span that records them: a process without an SDK builds nothing.
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'nats',
      'messaging.destination.name': subject,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      ...(msgId === undefined ? {} : { 'messaging.message.id': msgId }),
    });
  }
  // Not recording but valid (not sampled): the consumer still learns it was not.
  if (!isSpanContextValid(span.spanContext())) return { traceHeaders: undefined, end: () => span.end() };
  const traceHeaders: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), traceHeaders);
  return { traceHeaders, end: (error) => end(span, error) };
}

function end(span: Span, error: unknown): void {
  if (error !== undefined && span.isRecording()) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
  }
  span.end();
}
