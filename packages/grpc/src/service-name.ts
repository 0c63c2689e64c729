import type { ServiceDefinition } from '@grpc/grpc-js';

/**
 * The fully qualified name of a gRPC service (`greeter.v1.Greeter`), read from the path of its
 * methods (`/greeter.v1.Greeter/SayHello`), the way health checks and reflection name it.
 */
export function serviceNameOf(definition: ServiceDefinition): string | undefined {
  for (const method of Object.values(definition)) {
    const match = /^\/([^/]+)\//.exec(method.path);
    if (match?.[1]) return match[1];
  }
  return undefined;
}
