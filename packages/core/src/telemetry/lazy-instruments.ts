import { createNoopMeter, metrics, type Meter, type MeterProvider } from '@opentelemetry/api';
import { KRATOS_INSTRUMENTATION_VERSION } from './instrumentation-scope.js';

/**
 * Gives the instruments made on the current global meter provider, or `undefined` while none is
 * registered (the API's no-op one): skip building attributes then.
 */
export type LazyInstruments<T> = () => T | undefined;

/**
 * Makes a package's metric instruments lazily, once per meter provider. The metrics API has no
 * proxy meter provider: an instrument made before the SDK registers stays a no-op for ever. So
 * call the returned function where you record: it compares `metrics.getMeterProvider()` with the
 * one it last saw (one global read) and makes the instruments again, with `create`, when the
 * provider changed. Returns `undefined` while no SDK is registered, so that a process without one
 * pays for nothing but that read. Observable instruments made in `create` are registered on the
 * provider of that moment. Import from `@kratos-ts/core/internal`.
 *
 * @param scope The instrumentation scope: the package's name, such as `@kratos-ts/http`.
 * @param create Makes the instruments on a meter of `scope` (version `KRATOS_INSTRUMENTATION_VERSION`).
 *
 * @example
 * const instruments = lazyInstruments('@kratos-ts/http', (meter) => ({
 *   duration: meter.createHistogram('http.server.request.duration', { unit: 's' }),
 * }));
 * // per request:
 * instruments()?.duration.record(seconds, { 'http.request.method': 'GET' });
 */
export function lazyInstruments<T>(scope: string, create: (meter: Meter) => T): LazyInstruments<T> {
  let provider: MeterProvider | undefined;
  let instruments: T | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (current === provider) return instruments;
    const meter = current.getMeter(scope, KRATOS_INSTRUMENTATION_VERSION);
    // Remembered only once made: a create that throws is tried again at the next call.
    instruments = meter === createNoopMeter() ? undefined : create(meter);
    provider = current;
    return instruments;
  };
}
