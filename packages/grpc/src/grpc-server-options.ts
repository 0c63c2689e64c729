import type {
  ServerCredentials,
  ServerOptions,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';

/** One gRPC service to serve: its definition and the object whose methods implement it. */
export interface GrpcService {
  /** From `@grpc/proto-loader` (`packageDefinition['greeter.v1.Greeter']`) or generated code. */
  readonly definition: ServiceDefinition;
  /**
   * Handlers by method name, called with `this` bound to this object. They may be `async`: a throw
   * or a rejection ends the call with `INTERNAL` and is logged (see docs/grpc.md).
   */
  readonly implementation: UntypedServiceImplementation | object;
}

/** Options of a `GrpcServer`. */
export interface GrpcServerOptions {
  /** Port to listen on; `0` lets the OS choose (see `endpoint()`). Default 9000. */
  readonly port?: number;
  /** Address to listen on. Default `'0.0.0.0'` (every IPv4 interface). */
  readonly host?: string;
  /** Used in logs and errors; `@Server({ name })` overrides it under the kernel. Default `'grpc'`. */
  readonly name?: string;
  /** TLS and the like. Default: insecure (`ServerCredentials.createInsecure()`). */
  readonly credentials?: ServerCredentials | undefined;
  /** Services to serve; more can be added with `addService()` before `start()`. Default none. */
  readonly services?: readonly GrpcService[];
  /** Serve `grpc.health.v1.Health`, driven by the kernel's state. Default true. */
  readonly health?: boolean;
  /** Package definition(s) to describe through gRPC server reflection. Default: no reflection. */
  readonly reflection?: PackageDefinition | readonly PackageDefinition[] | undefined;
  /** Passed to `new grpc.Server(options)` as they are: channel options, `interceptors`… Default `{}`. */
  readonly options?: ServerOptions;
}

/** The options once defaults are applied. */
export interface ResolvedGrpcServerOptions {
  readonly port: number;
  readonly host: string;
  readonly name: string;
  readonly credentials: ServerCredentials | undefined;
  readonly services: readonly GrpcService[];
  readonly health: boolean;
  readonly reflection: readonly PackageDefinition[];
  readonly options: ServerOptions;
}

/** The defaults of every option that has one. */
export const DEFAULT_GRPC_SERVER_OPTIONS = Object.freeze({
  port: 9000,
  host: '0.0.0.0',
  name: 'grpc',
  health: true,
});

/**
 * Applies the defaults and lists every problem with the options (empty when there is none).
 * Pure, so that the constructor can report all of them at once.
 */
export function resolveGrpcServerOptions(options: GrpcServerOptions): {
  readonly resolved: ResolvedGrpcServerOptions;
  readonly problems: readonly string[];
} {
  const problems: string[] = [];
  const port = options.port ?? DEFAULT_GRPC_SERVER_OPTIONS.port;
  const host = options.host ?? DEFAULT_GRPC_SERVER_OPTIONS.host;
  const name = options.name ?? DEFAULT_GRPC_SERVER_OPTIONS.name;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    problems.push(`port must be an integer from 0 to 65535 (0: chosen by the OS), got ${String(port)}`);
  }
  if (typeof host !== 'string' || host.trim() !== host || host === '') {
    problems.push(`host must be an address such as "0.0.0.0" or "127.0.0.1", got ${JSON.stringify(host)}`);
  }
  if (typeof name !== 'string' || name === '') problems.push('name must be a non-empty string');
  const services = options.services ?? [];
  services.forEach((service, i) => {
    if (typeof service?.definition !== 'object' || service.definition === null)
      problems.push(`services[${i}].definition must be a gRPC ServiceDefinition`);
    if (typeof service?.implementation !== 'object' || service.implementation === null)
      problems.push(`services[${i}].implementation must be an object of handlers`);
  });
  const reflection =
    options.reflection === undefined
      ? []
      : Array.isArray(options.reflection)
        ? (options.reflection as readonly PackageDefinition[])
        : [options.reflection as PackageDefinition];
  return {
    resolved: {
      port,
      host,
      name,
      credentials: options.credentials,
      services,
      health: options.health ?? DEFAULT_GRPC_SERVER_OPTIONS.health,
      reflection,
      options: options.options ?? {},
    },
    problems,
  };
}
