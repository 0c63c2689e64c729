import { ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';

// The API's no-op provider, which a proxy delegates to while no SDK is registered.
const NOOP_DELEGATE = new ProxyTracerProvider().getDelegate();

/**
 * Whether a tracer provider is registered: `false` while the API's global one is its proxy with no
 * SDK behind it. A call then skips the span, the propagation and the context switch altogether.
 * One global read and a comparison; a provider of another copy of the API counts as registered.
 */
export function tracingActive(): boolean {
  const provider = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  return typeof provider.getDelegate !== 'function' || provider.getDelegate() !== NOOP_DELEGATE;
}
