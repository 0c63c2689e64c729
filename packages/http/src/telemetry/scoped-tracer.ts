import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { TELEMETRY_SCOPE } from './telemetry-scope.js';

/**
 * The package's tracer from the global tracer provider, asked again only when that provider
 * changed. Without an SDK it is a no-op tracer whose spans record nothing; an SDK registered later
 * is picked up (the API's proxy provider delegates to it), and so is one registered after another
 * was disabled (the API then hands out a new proxy, which this notices).
 */
export function scopedTracer(): () => Tracer {
  let provider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  return () => {
    const current = trace.getTracerProvider();
    if (current !== provider || tracer === undefined) {
      provider = current;
      tracer = current.getTracer(TELEMETRY_SCOPE.name, TELEMETRY_SCOPE.version);
    }
    return tracer;
  };
}
