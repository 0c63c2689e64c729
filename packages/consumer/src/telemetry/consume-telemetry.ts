import {
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { describeError, kratosTracer, tracingActive } from '@kratos-ts/core/internal';
import type { Delivery } from '../consumer-adapter.js';
import { consumerInstruments, type ConsumerInstruments } from './consumer-instruments.js';
import { CONSUMER_TELEMETRY_SCOPE } from './consumer-telemetry-scope.js';
import { HEADERS_GETTER } from './headers-getter.js';

const tracer = kratosTracer(CONSUMER_TELEMETRY_SCOPE);

/** How a delivery was settled: the `kratos.consume.outcome` attribute. */
export type ConsumeOutcome = 'ack' | 'retry' | 'dead_letter' | 'requeue';

const OUTCOMES: readonly ConsumeOutcome[] = ['ack', 'retry', 'dead_letter', 'requeue'];

/** What names a consumer in its telemetry. */
export interface ConsumeTelemetryNames {
  /** `messaging.destination.name`, and the span name `process <queue>`. */
  readonly queue: string;
  /** `kratos.server`: the consumer server's name. */
  readonly server?: string | undefined;
  /** `messaging.system`: `rabbitmq`, `nats`. */
  readonly system?: string | undefined;
}

/**
 * A consumer's spans and metrics: per message handled, a CONSUMER span `process <queue>`, a root
 * LINKED to the publisher's context from the message's `traceparent` header, in which the handler
 * runs; `messaging.process.duration`, `messaging.client.consumed.messages` (by outcome) and
 * `messaging.process.active`. While no SDK is registered it records nothing and costs a global
 * read or two per message.
 */
export class ConsumeTelemetry {
  readonly #name: string;
  readonly #attributes: Attributes;
  readonly #byOutcome: ReadonlyMap<ConsumeOutcome, Attributes>;

  constructor({ queue, server, system }: ConsumeTelemetryNames) {
    this.#name = `process ${queue}`;
    this.#attributes = {
      ...(system === undefined ? {} : { 'messaging.system': system }),
      'messaging.destination.name': queue,
      ...(server === undefined ? {} : { 'kratos.server': server }),
    };
    // Made once: recording a message allocates no attribute object.
    this.#byOutcome = new Map(
      OUTCOMES.map((outcome) => [outcome, { ...this.#attributes, 'kratos.consume.outcome': outcome }]),
    );
  }

  /**
   * A delivery's handling begins (before its decode): its span and the count of running handlers.
   * `undefined` while nothing is recorded.
   */
  begin(delivery: Delivery): MessageProcessing | undefined {
    const instruments = consumerInstruments();
    const tracing = tracingActive();
    if (instruments === undefined && !tracing) return undefined;
    return new MessageProcessing(this, delivery, instruments, tracing);
  }

  /** A delivery went back to the broker unhandled (it arrived, or waited, while stopping). */
  returned(): void {
    consumerInstruments()?.consumed.add(1, this.outcomeAttributes('requeue'));
  }

  /** `process <queue>`. */
  get spanName(): string {
    return this.#name;
  }

  /** What every span and point of this consumer carries. */
  get attributes(): Attributes {
    return this.#attributes;
  }

  /** `attributes` and `kratos.consume.outcome`. */
  outcomeAttributes(outcome: ConsumeOutcome): Attributes {
    return this.#byOutcome.get(outcome) ?? this.#attributes;
  }
}

/** One delivery's handling: its span (the context the handler runs in) and its metrics, ended once. */
export class MessageProcessing {
  /** The context to run the handler in: the span's, on the root context. */
  readonly context: Context = ROOT_CONTEXT;
  readonly #telemetry: ConsumeTelemetry;
  readonly #instruments: ConsumerInstruments | undefined;
  readonly #span: Span | undefined;
  readonly #startedAt = performance.now();
  #ended = false;

  constructor(
    telemetry: ConsumeTelemetry,
    delivery: Delivery,
    instruments: ConsumerInstruments | undefined,
    tracing: boolean,
  ) {
    this.#telemetry = telemetry;
    this.#instruments = instruments;
    instruments?.active.add(1, telemetry.attributes);
    if (!tracing) return;
    // A root: the message's handling is not part of whatever context the broker's socket was
    // opened in (a lifecycle hook's); it is linked to the publish that sent it.
    const span = tracer.startSpan(
      telemetry.spanName,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...telemetry.attributes,
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.message.id': delivery.id,
          'kratos.consume.attempt': delivery.attempt,
        },
        links: publisherLinks(delivery),
      },
      ROOT_CONTEXT,
    );
    this.#span = span;
    this.context = trace.setSpan(ROOT_CONTEXT, span);
  }

  /**
   * The handling ended with `outcome`; `failure` holds what failed (the handler's error, the
   * decode's, or the stop's reason when abandoned). Once; later calls do nothing.
   */
  end(outcome: ConsumeOutcome, failure?: { readonly error: unknown }): void {
    if (this.#ended) return;
    this.#ended = true;
    const instruments = this.#instruments;
    if (instruments !== undefined) {
      const attributes = this.#telemetry.outcomeAttributes(outcome);
      instruments.active.add(-1, this.#telemetry.attributes);
      instruments.duration.record((performance.now() - this.#startedAt) / 1000, attributes);
      instruments.consumed.add(1, attributes);
    }
    const span = this.#span;
    if (span === undefined) return;
    if (span.isRecording()) {
      span.setAttribute('kratos.consume.outcome', outcome);
      if (failure !== undefined) {
        const { error } = failure;
        if (error instanceof Error) span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
      }
    }
    span.end();
  }
}

/** The link to the publisher's span, from the `traceparent` of the message's headers; none without. */
function publisherLinks(delivery: Delivery): Link[] {
  const { headers } = delivery;
  if (headers === undefined) return [];
  const published = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, HEADERS_GETTER));
  return published === undefined ? [] : [{ context: published }];
}
