import { fileURLToPath } from 'node:url';
import type { ServiceDefinition, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import type { Greeter, Greeting } from './greeter.js';

/** `greeter.v1.Greeter` loaded from `proto/greeter.proto`. */
export function loadGreeterProto(): { definition: ServiceDefinition; packageDefinition: PackageDefinition } {
  const file = fileURLToPath(new URL('../proto/greeter.proto', import.meta.url));
  const packageDefinition = loadSync(file, { keepCase: true, defaults: true });
  const definition = packageDefinition['greeter.v1.Greeter'] as ServiceDefinition;
  return { definition, packageDefinition };
}

/** The gRPC implementation of `SayHello`, answering what the HTTP route answers. */
export function greeterImplementation(greeter: Greeter) {
  return {
    SayHello(call: ServerUnaryCall<{ name: string }, Greeting>, callback: sendUnaryData<Greeting>): void {
      callback(null, greeter.greet(call.request.name));
    },
  };
}
