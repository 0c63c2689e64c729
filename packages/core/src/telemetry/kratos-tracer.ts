import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { KRATOS_INSTRUMENTATION_VERSION } from './instrumentation-scope.js';

/**
 * The tracer of a kratos-ts package (scope `scope`, version `KRATOS_INSTRUMENTATION_VERSION`).
 * Safe to take once at module load: each call goes to the tracer of the current global provider,
 * taken again only when that provider object changed. So an SDK registered later is used (as the
 * API's proxy tracer would), and so is one registered after `trace.disable()` (tests do that
 * between cases: a plain `trace.getTracer()` kept from before stays on the discarded proxy for
 * ever). Without an SDK its spans are non-recording: check `span.isRecording()` before building
 * attributes. Import from `@kratos-ts/core/internal`.
 *
 * @example
 * const tracer = kratosTracer('@kratos-ts/http');
 * const span = tracer.startSpan('GET /hello', { kind: SpanKind.SERVER });
 */
export function kratosTracer(scope: string): Tracer {
  let provider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  const current = (): Tracer => {
    const global = trace.getTracerProvider();
    if (global !== provider || tracer === undefined) {
      tracer = global.getTracer(scope, KRATOS_INSTRUMENTATION_VERSION);
      provider = global;
    }
    return tracer;
  };
  return {
    startSpan: (name, options, context) => current().startSpan(name, options, context),
    // Overloaded: forwarded with its arguments as they came.
    startActiveSpan: ((...args: Parameters<Tracer['startActiveSpan']>) =>
      (current().startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer['startActiveSpan'],
  };
}
