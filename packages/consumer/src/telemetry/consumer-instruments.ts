import type { Counter, Histogram, UpDownCounter } from '@opentelemetry/api';
import { lazyInstruments } from '@kratos-ts/core/internal';
import { CONSUMER_TELEMETRY_SCOPE } from './consumer-telemetry-scope.js';

// OpenTelemetry's advice for messaging durations (seconds); an SDK view may override them.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * The metrics a `ConsumerServer` records. Attributes: `messaging.system` (`rabbitmq`, `nats`),
 * `messaging.destination.name` (the queue), `kratos.server`; and `kratos.consume.outcome` (`ack`,
 * `retry`, `dead_letter`, `requeue`) on the first two.
 */
export interface ConsumerInstruments {
  /** `messaging.process.duration` (s): per message handled, from the decode to the handler's end. */
  readonly duration: Histogram;
  /** `messaging.client.consumed.messages`: per delivery settled, handled or returned unhandled. */
  readonly consumed: Counter;
  /** `messaging.process.active`: handlers running now. */
  readonly active: UpDownCounter;
}

/**
 * The consumer's instruments on the current meter provider, made again when it changed;
 * `undefined` while no SDK is registered.
 */
export const consumerInstruments = lazyInstruments(
  CONSUMER_TELEMETRY_SCOPE,
  (meter): ConsumerInstruments => ({
    duration: meter.createHistogram('messaging.process.duration', {
      description: 'Duration of the handling of a consumed message, by outcome.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    consumed: meter.createCounter('messaging.client.consumed.messages', {
      description: 'Messages delivered to a consumer, by how each was settled.',
      unit: '{message}',
    }),
    active: meter.createUpDownCounter('messaging.process.active', {
      description: 'Message handlers running now.',
      unit: '{message}',
    }),
  }),
);
