import type { SchedulerLike } from 'rxjs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '@kratos-ts/core';
import {
  checkBoolean,
  checkDuration,
  checkKnownKeys,
  checkLogger,
  checkMethods,
  checkOptionsObject,
  checkScheduler,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { TelemetryErrorCode } from './telemetry-error-codes.js';

/**
 * How `KratosTelemetry` sets up the OpenTelemetry Node SDK. Every field is optional; what is not
 * here comes from the standard `OTEL_*` environment variables (exporters, endpoint, protocol,
 * sampler, propagators, intervals…), read by the SDK itself.
 */
export interface KratosTelemetryOptions {
  /**
   * Push traces and metrics where the `OTEL_*` variables say: `OTEL_TRACES_EXPORTER` and
   * `OTEL_METRICS_EXPORTER` (default `otlp`), `OTEL_EXPORTER_OTLP_ENDPOINT` (default
   * `http://localhost:4318`), `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf` by default,
   * `http/json`, `grpc`)… Default `true`. `false`: nothing is pushed and no span is recorded
   * (unless `spanProcessors` are given); metrics are only read through `metrics`.
   */
  readonly export?: boolean;
  /**
   * Register a Prometheus reader on the meter provider, so that `metrics` (for `HttpServer`'s
   * `metrics` option, `GET /metrics`) serves the text exposition. Default `true`.
   */
  readonly prometheus?: boolean;
  /**
   * Milliseconds the SDK's shutdown (the flush of the last spans and metrics) may take once the
   * kernel stopped; past it the shutdown is abandoned with a warning. Default 2000: a collector
   * that is down costs a stop at most that.
   */
  readonly shutdownTimeout?: number;
  /**
   * Where the telemetry logs (the shutdown's outcome) and where the SDK's own warnings and errors go
   * (an export that failed), wrapped in `safeLogger`. Default: none logged.
   */
  readonly logger?: Logger;
  /** Span processors added to those the `OTEL_*` variables make (an in-memory exporter in tests). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Metric readers added to those the `OTEL_*` variables make and the Prometheus one. */
  readonly metricReaders?: readonly IMetricReader[];
  /** Where the shutdown's bound runs; a `TestScheduler` in tests. Default RxJS' `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** The defaults of `KratosTelemetryOptions`. */
export const TELEMETRY_DEFAULTS = Object.freeze({
  /** Traces and metrics are pushed where the `OTEL_*` variables say (OTLP by default). */
  export: true,
  /** A Prometheus reader serves `metrics`. */
  prometheus: true,
  /** The flush at the end of the stop may take 2 s. */
  shutdownTimeout: 2_000,
} as const);

const KNOWN = [
  'export',
  'prometheus',
  'shutdownTimeout',
  'logger',
  'spanProcessors',
  'metricReaders',
  'scheduler',
] as const satisfies readonly (keyof KratosTelemetryOptions)[];

/** Node's timers take at most 2^31 - 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** Throws `KRATOS_TELEMETRY_INVALID_OPTIONS` listing every problem of `options`. */
export function validateTelemetryOptions(options: unknown): KratosTelemetryOptions {
  const problems: string[] = [];
  const raw = checkOptionsObject(problems, 'the options', options, '{ shutdownTimeout: 2000 }');
  checkKnownKeys(problems, raw, KNOWN);
  checkBoolean(problems, 'export', raw.export);
  checkBoolean(problems, 'prometheus', raw.prometheus);
  checkDuration(problems, 'shutdownTimeout', raw.shutdownTimeout, {
    zero: false,
    max: MAX_TIMER_MS,
    hint: `leave it out for the default (${TELEMETRY_DEFAULTS.shutdownTimeout}); it bounds the flush at exit`,
  });
  checkLogger(problems, 'logger', raw.logger);
  checkScheduler(problems, 'scheduler', raw.scheduler);
  checkList(
    problems,
    'spanProcessors',
    raw.spanProcessors,
    ['onStart', 'onEnd', 'forceFlush', 'shutdown'],
    'a SpanProcessor such as new BatchSpanProcessor(exporter)',
  );
  checkList(
    problems,
    'metricReaders',
    raw.metricReaders,
    ['collect', 'shutdown', 'forceFlush'],
    'a MetricReader such as new PeriodicExportingMetricReader({ exporter })',
  );
  if (problems.length > 0)
    throw invalidOptions(TelemetryErrorCode.InvalidOptions, 'KratosTelemetry', problems);
  return raw;
}

function checkList(
  problems: string[],
  name: string,
  value: unknown,
  methods: readonly string[],
  what: string,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.push(`${name} must be an array of ${what}, got ${describeValue(value)}`);
    return;
  }
  value.forEach((item: unknown, i) => checkMethods(problems, `${name}[${i}]`, item, methods, what));
}
