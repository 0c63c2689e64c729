import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { describeError } from '../errors/describe.js';

/** A publish's PRODUCER span and the trace headers to send with the message. */
export interface ProducerSpan {
  /** `traceparent` (and `tracestate`) to add to the message's headers; `undefined` without a trace. */
  readonly traceHeaders: Readonly<Record<string, string>> | undefined;
  /** Ends the span: a failure when `error` is given. */
  end(error?: unknown): void;
}

/**
 * Starts the PRODUCER span `publish <destination>` of a broker adapter's publish, a child of the
 * active context (a message handler's span, an HTTP request's), with the W3C headers that carry
 * it to the consumer, whose span links to it. `attributes` is called only when the span records:
 * without an SDK there is no span, no header and no attribute object. A span that does not record
 * but is valid (sampled out upstream) still gives its headers: the consumer learns it was not
 * sampled. Import from `@kratos-ts/core/internal`.
 *
 * @example
 * const span = producerSpan(tracer, subject, () => ({ 'messaging.system': 'nats' }));
 * try {
 *   await send(withHeaders(span.traceHeaders));
 *   span.end();
 * } catch (error) {
 *   span.end(error);
 *   throw error;
 * }
 */
export function producerSpan(
  tracer: Tracer,
  destination: string,
  attributes: () => Attributes,
): ProducerSpan {
  const parent = context.active();
  const span = tracer.startSpan(`publish ${destination}`, { kind: SpanKind.PRODUCER }, parent);
  if (span.isRecording()) span.setAttributes(attributes());
  if (!isSpanContextValid(span.spanContext())) return { traceHeaders: undefined, end: () => span.end() };
  const traceHeaders: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), traceHeaders);
  return { traceHeaders, end: (error) => endSpan(span, error) };
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined && span.isRecording()) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
  }
  span.end();
}
