import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { silentLogger, type Logger, type ServiceDiscovery } from '@kratos-ts/core';
import { registerDiscoveryResolver, tracingInterceptor } from '@kratos-ts/grpc';
import { createHttpClient, type HttpClient } from '@kratos-ts/http/client';
import type { Greeting } from './greeter.js';
import { loadGreeterProto } from './grpc-greeter.js';

/** One answer of the greeter, with the instance that gave it. */
export interface GreeterAnswer {
  readonly message: string;
  /** The `AppInfo.id` of the instance that answered. */
  readonly instanceId: string;
  /** The endpoint that answered (HTTP only: grpc-js does not say which subchannel served a call). */
  readonly node?: string;
}

/** Where the greeter clients find the greeter. */
export type GreeterTargets =
  | { readonly discovery: ServiceDiscovery; readonly name?: string }
  | { readonly http: string; readonly grpc: string };

/** Both project clients of the greeter: `GET /hello` over HTTP and `SayHello` over gRPC. */
export interface GreeterClients {
  http(name: string, signal?: AbortSignal): Promise<GreeterAnswer>;
  grpc(name: string, deadlineMs?: number): Promise<GreeterAnswer>;
  /** The HTTP client's nodes in use now. */
  httpNodes(): readonly string[];
  /** Closes both clients' connections; nothing is left running. */
  close(): Promise<void>;
}

const SAY_HELLO = { service: 'greeter.v1.Greeter', method: 'SayHello' } as const;

type SayHello = (
  request: { name: string },
  options: { deadline: Date },
  done: (error: ServiceError | null, reply: Greeting) => void,
) => void;

/**
 * The greeter's HTTP and gRPC clients, through the registry (`discovery:///greeter`, the gRPC
 * resolver registered on `discovery`) or at fixed addresses.
 *
 * @example
 * const clients = createGreeterClients({ discovery: new EtcdRegistry({ hosts }) });
 * console.log((await clients.http('Ada')).instanceId);
 */
export function createGreeterClients(targets: GreeterTargets, logger: Logger = silentLogger): GreeterClients {
  const discovery = 'discovery' in targets ? targets.discovery : undefined;
  const service = 'discovery' in targets ? (targets.name ?? 'greeter') : undefined;
  // SayHello is idempotent: a call in flight on an instance that dies is retried on another.
  if (discovery) registerDiscoveryResolver(discovery, { logger, retry: { methods: [SAY_HELLO] } });
  const httpClient: HttpClient = createHttpClient(
    discovery && service
      ? { target: `discovery:///${service}`, discovery, logger }
      : { target: (targets as { http: string }).http, logger },
  );
  const { packageDefinition } = loadGreeterProto();
  const { Greeter } = (
    loadPackageDefinition(packageDefinition) as unknown as {
      greeter: {
        v1: {
          Greeter: new (
            target: string,
            creds: ReturnType<typeof credentials.createInsecure>,
            options: { interceptors: ReturnType<typeof tracingInterceptor>[] },
          ) => Client;
        };
      };
    }
  ).greeter.v1;
  const grpcTarget = service ? `discovery:///${service}` : (targets as { grpc: string }).grpc;
  // Traced: a CLIENT span per call, its context sent in the `traceparent` metadata (nothing is
  // recorded while no OpenTelemetry SDK is registered).
  const grpcClient = new Greeter(grpcTarget, credentials.createInsecure(), {
    interceptors: [tracingInterceptor()],
  });
  const sayHello = (grpcClient as unknown as { SayHello: SayHello }).SayHello.bind(grpcClient);

  return {
    async http(name, signal) {
      const res = await httpClient.request({
        method: 'GET',
        path: `/hello?name=${encodeURIComponent(name)}`,
        ...(signal ? { signal } : {}),
      });
      if (res.statusCode !== 200) {
        throw new Error(`GET /hello answered ${res.statusCode} from ${res.node}: ${res.body.toString()}`);
      }
      const greeting = JSON.parse(res.body.toString()) as Greeting;
      return { message: greeting.message, instanceId: greeting.app.id, node: res.node };
    },
    grpc(name, deadlineMs = 10_000) {
      return new Promise((resolve, reject) =>
        sayHello({ name }, { deadline: new Date(Date.now() + deadlineMs) }, (error, reply) =>
          error ? reject(error) : resolve({ message: reply.message, instanceId: reply.app.id }),
        ),
      );
    },
    httpNodes: () => httpClient.nodes(),
    async close() {
      grpcClient.close();
      await httpClient.close();
    },
  };
}
