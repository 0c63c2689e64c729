import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { describeError, kratosTracer } from '@kratos-ts/core/internal';

const tracer = kratosTracer('@kratos-ts/amqp');

/** A publish's PRODUCER span and the headers to send, its trace context put in them. */
export interface PublishSpan {
  /** The message's headers with `traceparent` (and `tracestate`) added; the given ones as they were without a trace. */
  readonly headers: Readonly<Record<string, unknown>> | undefined;
  /** Ends the span: a failure when `error` is given. */
  end(error?: unknown): void;
}

/**
 * Starts the PRODUCER span `publish <destination>` of `AmqpConnection.publish`, a child of the
 * active context (a handler's span, an HTTP request's), and puts its context into the headers
 * (W3C `traceparent`), so that the consumer's span links to it. Without an SDK: no span, the
 * headers untouched.
 *
 * @param exchange The exchange; `''` (the default exchange) makes the routing key (the queue) the destination.
 */
export function publishSpan(
  exchange: string,
  routingKey: string,
  messageId: string | undefined,
  headers: Readonly<Record<string, unknown>> | undefined,
): PublishSpan {
  const parent = context.active();
  const destination = exchange === '' ? routingKey : exchange;
  const span = tracer.startSpan(`publish ${destination}`, { kind: SpanKind.PRODUCER }, parent);
  // Attributes only for a span that records them: a process without an SDK builds nothing.
  if (span.isRecording()) span.setAttributes(publishAttributes(destination, routingKey, messageId));
  // Not recording but valid (not sampled): the consumer still learns it was not.
  if (!isSpanContextValid(span.spanContext())) return { headers, end: () => span.end() };
  const withTrace: Record<string, unknown> = { ...headers };
  propagation.inject(trace.setSpan(parent, span), withTrace);
  return { headers: withTrace, end: (error) => end(span, error) };
}

function publishAttributes(
  destination: string,
  routingKey: string,
  messageId: string | undefined,
): Attributes {
  return {
    'messaging.system': 'rabbitmq',
    'messaging.destination.name': destination,
    'messaging.rabbitmq.destination.routing_key': routingKey,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'publish',
    ...(messageId === undefined ? {} : { 'messaging.message.id': messageId }),
  };
}

function end(span: Span, error: unknown): void {
  if (error !== undefined && span.isRecording()) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
  }
  span.end();
}
