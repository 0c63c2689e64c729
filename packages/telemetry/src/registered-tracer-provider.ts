import { trace } from '@opentelemetry/api';

/** Something whose pending telemetry can be pushed out: the SDK's tracer provider. */
export interface Flushable {
  forceFlush(): Promise<void>;
}

/**
 * The SDK tracer provider registered with the API right now (behind the API's proxy), to flush
 * before the shutdown: the SDK's shutdown alone drops what a `SimpleSpanProcessor` has not
 * exported yet (opentelemetry-js#3310: its shutdown shuts the exporter down without waiting for
 * its pending exports, such as spans waiting for the resource's async attributes). Metric readers
 * need no such flush: their shutdown collects and exports one last time.
 */
export function registeredTracerProvider(): Flushable | undefined {
  const proxy = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const provider = typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : proxy;
  return typeof (provider as Partial<Flushable> | undefined)?.forceFlush === 'function'
    ? (provider as Flushable)
    : undefined;
}
