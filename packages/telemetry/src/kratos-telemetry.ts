import { context, diag, DiagLogLevel, metrics, propagation, trace } from '@opentelemetry/api';
import { getBooleanFromEnv, getStringFromEnv } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { getSpanProcessorsFromEnv } from '@opentelemetry/sdk-node/build/src/utils.js';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { KratosError, safeLogger, silentLogger, type Logger, type MetricsSource } from '@kratos-ts/core';
import { describeValue } from '@kratos-ts/core/internal';
import { boundedShutdown } from './bounded-shutdown.js';
import { diagToLogger } from './diag-to-logger.js';
import { envMetricReaders } from './env-metric-readers.js';
import {
  TELEMETRY_DEFAULTS,
  validateTelemetryOptions,
  type KratosTelemetryOptions,
} from './kratos-telemetry-options.js';
import { PrometheusMetrics } from './prometheus-metrics.js';
import { resourceDetectors } from './resource-detectors.js';
import { registeredTracerProvider, type Flushable } from './registered-tracer-provider.js';
import { TelemetryErrorCode } from './telemetry-error-codes.js';
import type { TelemetryShutdown } from './telemetry-shutdown.js';
import type { TelemetryTarget } from './telemetry-target.js';
import { TelemetryWarningCode } from './telemetry-warning-codes.js';

/**
 * The OpenTelemetry Node SDK, wired to the lifecycle: its resource is the application's identity
 * (`service.instance.id` = `AppInfo.id`, the id registered in etcd), it serves Prometheus metrics
 * from the same meter provider as the OTLP exporter, and it shuts down (flushes) as the last step
 * of the stop, bounded by `shutdownTimeout`. The `OTEL_*` environment variables work as with the
 * SDK alone. See docs/observability.md.
 *
 * @example
 * const telemetry = new KratosTelemetry();
 * container.bind(SERVER).toDynamicValue(() => new HttpServer({ port: 8000, handler, metrics: telemetry.metrics }));
 * const kernel = container.get(LifecycleKernel);
 * telemetry.start(kernel); // SDK registered; shuts down once the kernel stopped
 * await kernel.run();
 * const flushed = await telemetry.shutdown(); // the same shutdown, settled
 * if (flushed.status === 'timeout') process.exit(process.exitCode ?? 0);
 */
export class KratosTelemetry {
  /**
   * The Prometheus text of the SDK's meter provider, for `HttpServer`'s `metrics` option
   * (`GET /metrics`). Usable before `start()` (a scrape then fails with `KRATOS_TELEMETRY_NOT_RUNNING`).
   */
  readonly metrics: MetricsSource;
  readonly #options: KratosTelemetryOptions;
  readonly #prometheus = new PrometheusMetrics();
  readonly #scheduler: SchedulerLike;
  #logger: Logger;
  /** Whether a logger was given: the SDK's diagnostics are routed only then. */
  #logged: boolean;
  #sdk: NodeSDK | undefined;
  #tracerProvider: Flushable | undefined;
  #started = false;
  #stateSubscription: Subscription | undefined;
  #shutdown: Promise<TelemetryShutdown> | undefined;

  /** Validates the options (`KRATOS_TELEMETRY_INVALID_OPTIONS`); starts nothing. */
  constructor(options: KratosTelemetryOptions = {}) {
    this.#options = validateTelemetryOptions(options);
    this.#scheduler = this.#options.scheduler ?? asyncScheduler;
    this.#logger = safeLogger(this.#options.logger ?? silentLogger);
    this.#logged = this.#options.logger !== undefined;
    this.metrics = this.#prometheus;
  }

  /**
   * Starts the SDK and registers it with `@opentelemetry/api` (tracer, meter and propagator
   * providers, the context manager); with a kernel's `state$`, the SDK shuts down once the kernel
   * has stopped. Callable once. With `OTEL_SDK_DISABLED=true` nothing starts.
   */
  start(target: TelemetryTarget): this {
    checkTarget(target, this.#started, this.#shutdown !== undefined);
    this.#started = true;
    if (!this.#logged && target.logger !== undefined) {
      this.#logger = safeLogger(target.logger);
      this.#logged = true;
    }
    const options = { ...TELEMETRY_DEFAULTS, ...this.#options };
    if (getBooleanFromEnv('OTEL_SDK_DISABLED')) {
      this.#prometheus.setUnavailable('OTEL_SDK_DISABLED is true: the OpenTelemetry SDK was not started');
      this.#logger.info(
        { instanceId: target.app.id },
        'OpenTelemetry SDK disabled by OTEL_SDK_DISABLED=true',
      );
    } else {
      // Before anything of the SDK runs, so that its warnings about the OTEL_* values reach the log.
      // OTEL_LOG_LEVEL set: the SDK prints its diagnostics itself, as the user asked.
      if (getStringFromEnv('OTEL_LOG_LEVEL') === undefined && this.#logged) {
        diag.setLogger(diagToLogger(this.#logger), {
          logLevel: DiagLogLevel.WARN,
          suppressOverrideMessage: true,
        });
      }
      const sdk = new NodeSDK({
        resourceDetectors: resourceDetectors(target.app),
        // Given explicitly (the SDK reads OTEL_* itself only when given none), an empty list
        // meaning none: no tracer provider, no span recorded when nothing would receive it.
        spanProcessors: [
          ...(options.export ? getSpanProcessorsFromEnv(undefined) : []),
          ...(options.spanProcessors ?? []),
        ],
        metricReaders: [
          ...(options.export ? envMetricReaders() : []),
          ...(options.prometheus ? [this.#prometheus.reader] : []),
          ...(options.metricReaders ?? []),
        ],
        ...(options.export ? {} : { logRecordProcessors: [] }),
      });
      sdk.start();
      this.#sdk = sdk;
      this.#tracerProvider = registeredTracerProvider();
      this.#prometheus.setUnavailable(
        options.prometheus ? undefined : 'KratosTelemetry was built with prometheus: false',
      );
      this.#logger.info(
        { instanceId: target.app.id, export: options.export, prometheus: options.prometheus },
        `OpenTelemetry SDK started for service.instance.id ${target.app.id}`,
      );
    }
    // Deferred to the end of the turn the kernel completed in: whatever ends a span on that very
    // completion (the lifecycle's own `kratos.stop`) has ended before the flush begins.
    this.#stateSubscription = target.state$?.subscribe({
      complete: () => queueMicrotask(() => void this.shutdown()),
    });
    return this;
  }

  /**
   * Shuts the SDK down: flushes every span and metric not yet exported, then releases the global
   * providers. Bounded by `shutdownTimeout` (default 2000 ms); never rejects. Idempotent: the
   * kernel's completion calls it, and every call shares that one shutdown. Before `start()`, it
   * settles at once and `start()` is refused afterwards.
   */
  shutdown(): Promise<TelemetryShutdown> {
    this.#shutdown ??= this.#runShutdown();
    return this.#shutdown;
  }

  async #runShutdown(): Promise<TelemetryShutdown> {
    this.#stateSubscription?.unsubscribe();
    const sdk = this.#sdk;
    if (sdk === undefined) return { status: 'flushed', durationMs: 0 };
    const timeoutMs = this.#options.shutdownTimeout ?? TELEMETRY_DEFAULTS.shutdownTimeout;
    const tracerProvider = this.#tracerProvider;
    const flushThenShutdown = async (): Promise<void> => {
      await tracerProvider?.forceFlush();
      await sdk.shutdown();
    };
    const outcome = await boundedShutdown(flushThenShutdown, timeoutMs, this.#scheduler);
    this.#prometheus.setUnavailable('the OpenTelemetry SDK shut down');
    this.#report(outcome, timeoutMs);
    // The providers are shut down and record nothing more: unregistered, so that the API falls
    // back to its no-ops and a later SDK (a test, a restart in the same process) can register.
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
    diag.disable();
    return outcome;
  }

  #report(outcome: TelemetryShutdown, timeoutMs: number): void {
    const durationMs = Math.round(outcome.durationMs);
    if (outcome.status === 'flushed') {
      this.#logger.info({ durationMs }, `OpenTelemetry SDK flushed and shut down in ${durationMs} ms`);
    } else if (outcome.status === 'timeout') {
      this.#logger.warn(
        { code: TelemetryWarningCode.ShutdownTimedOut, timeoutMs },
        `The OpenTelemetry SDK did not flush within ${timeoutMs} ms (shutdownTimeout): the spans and metrics not yet exported are lost. Check that the collector (OTEL_EXPORTER_OTLP_ENDPOINT) is up, or raise shutdownTimeout; exit the process now, an exporter may still hold a socket or a retry timer.`,
      );
    } else {
      this.#logger.warn(
        { code: TelemetryWarningCode.ShutdownFailed, err: outcome.error, durationMs },
        `The OpenTelemetry SDK's shutdown failed after ${durationMs} ms: the spans and metrics not yet exported are lost.`,
      );
    }
  }
}

function checkTarget(target: TelemetryTarget, started: boolean, shutDown: boolean): void {
  const refuse = (message: string): never => {
    throw new KratosError(TelemetryErrorCode.InvalidStart, message);
  };
  if (shutDown)
    refuse(
      'KratosTelemetry.start() was called after shutdown(): build a new KratosTelemetry to start again.',
    );
  if (started)
    refuse('KratosTelemetry.start() was called a second time: one KratosTelemetry starts one SDK, once.');
  const app = (target as Partial<TelemetryTarget> | undefined)?.app;
  if (typeof app !== 'object' || app === null || typeof app.id !== 'string' || app.id === '') {
    refuse(
      `KratosTelemetry.start() needs a kernel or { app } whose app is an AppInfo with a non-empty id, got ${describeValue(target)}${typeof target === 'object' && target !== null ? ` whose app is ${describeValue(app)}` : ''}: pass the LifecycleKernel (container.get(LifecycleKernel)).`,
    );
  }
  const state$ = target.state$ as unknown;
  if (state$ !== undefined && typeof (state$ as { subscribe?: unknown }).subscribe !== 'function') {
    refuse(
      `KratosTelemetry.start(): state$ must be an Observable (the kernel's), got ${describeValue(state$)}.`,
    );
  }
}
