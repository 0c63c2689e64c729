import type { ServiceInstance } from '@kratos-ts/core';

/** An instance of "greeter" with the given endpoints. */
export function instance(
  id: string,
  endpoints: string[],
  extra: { version?: string; metadata?: Record<string, string> } = {},
): ServiceInstance {
  return {
    id,
    name: 'greeter',
    version: extra.version ?? '1.0.0',
    metadata: extra.metadata ?? {},
    endpoints,
  };
}
