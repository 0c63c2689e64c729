import type {
  ServerCredentials,
  ServerOptions,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkOptionsObject,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { foreignServerCredentialsError } from './foreign-server-credentials-error.js';
import { GrpcErrorCode } from './grpc-error-codes.js';
import { serverCredentialsOrigin } from './server-credentials-origin.js';

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

/**
 * The defaults of every `GrpcServerOptions` option that has one (the others: no services, no
 * reflection, insecure credentials, `options` `{}`).
 */
export const GRPC_SERVER_DEFAULTS = Object.freeze({
  /** The port listened on. */
  port: 9000,
  /** Every IPv4 interface; the registered endpoint names this host's first non-internal IPv4. */
  host: '0.0.0.0',
  /** The name in logs and errors. */
  name: 'grpc',
  /** `grpc.health.v1.Health` is served, driven by the kernel's state. */
  health: true,
});

const KNOWN_OPTIONS = ['port', 'host', 'name', 'credentials', 'services', 'health', 'reflection', 'options'];

/**
 * Checks the options and applies the defaults. Every problem is reported at once, in one
 * `KRATOS_GRPC_INVALID_OPTIONS` error naming the server; with none, `credentials` of another copy
 * of `@grpc/grpc-js` throw `KRATOS_GRPC_FOREIGN_GRPC_JS`.
 */
export function resolveGrpcServerOptions(options: GrpcServerOptions): ResolvedGrpcServerOptions {
  const problems: string[] = [];
  const raw = checkOptionsObject(problems, 'the options', options, '{ port: 9000, services: [...] }');
  const port = raw.port ?? GRPC_SERVER_DEFAULTS.port;
  const host = raw.host ?? GRPC_SERVER_DEFAULTS.host;
  const name = raw.name ?? GRPC_SERVER_DEFAULTS.name;
  const health = raw.health ?? GRPC_SERVER_DEFAULTS.health;

  checkKnownKeys(problems, raw, KNOWN_OPTIONS);
  checkInteger(problems, 'port', port, { min: 0, max: 65_535, hint: '0 lets the OS choose' });
  if (typeof host !== 'string' || host.trim() !== host || host === '') {
    problems.push(`host must be an address such as "0.0.0.0" or "127.0.0.1", got ${describeValue(host)}`);
  }
  if (typeof name !== 'string' || name === '') {
    problems.push(
      `name must be a non-empty string such as 'api' (default 'grpc'), got ${describeValue(name)}`,
    );
  }
  const credentials = raw.credentials === undefined ? 'none' : serverCredentialsOrigin(raw.credentials);
  if (credentials === 'not credentials') {
    problems.push(
      `credentials must be grpc-js ServerCredentials such as ServerCredentials.createSsl(…), or left out for an insecure server, got ${describeValue(raw.credentials)}`,
    );
  }
  const services = raw.services ?? [];
  if (!Array.isArray(services)) {
    problems.push(
      `services must be an array of { definition, implementation }, got ${describeValue(services)}`,
    );
  } else {
    (services as unknown[]).forEach((service, i) => {
      const { definition, implementation } = (service ?? {}) as Record<string, unknown>;
      if (typeof definition !== 'object' || definition === null)
        problems.push(
          `services[${i}].definition must be a gRPC ServiceDefinition (from @grpc/proto-loader or generated code), got ${describeValue(definition)}`,
        );
      if (typeof implementation !== 'object' || implementation === null)
        problems.push(
          `services[${i}].implementation must be an object of handlers by method name, got ${describeValue(implementation)}`,
        );
    });
  }
  checkBoolean(problems, 'health', health, { hint: 'true serves grpc.health.v1.Health' });
  const reflection =
    raw.reflection === undefined ? [] : Array.isArray(raw.reflection) ? raw.reflection : [raw.reflection];
  if (
    !(reflection as unknown[]).every((definition) => typeof definition === 'object' && definition !== null)
  ) {
    problems.push(
      `reflection must be a package definition from @grpc/proto-loader, or an array of them, got ${describeValue(raw.reflection)}`,
    );
  }
  const serverOptions = raw.options ?? {};
  if (typeof serverOptions !== 'object' || serverOptions === null || Array.isArray(serverOptions)) {
    problems.push(
      `options (passed to new grpc.Server()) must be an object such as { 'grpc.max_receive_message_length': 8388608 }, got ${describeValue(raw.options)}`,
    );
  } else {
    // The server puts its telemetry interceptor before these: they must be a list to go after it.
    const { interceptors } = serverOptions as { interceptors?: unknown };
    if (
      interceptors !== undefined &&
      (!Array.isArray(interceptors) || !interceptors.every((each) => typeof each === 'function'))
    ) {
      problems.push(
        `options.interceptors must be an array of grpc-js server interceptors (functions of (methodDescriptor, call)), got ${describeValue(interceptors)}`,
      );
    }
  }

  if (problems.length > 0) {
    const subject = typeof name === 'string' && name !== '' ? `GrpcServer "${name}"` : 'GrpcServer';
    throw invalidOptions(GrpcErrorCode.InvalidOptions, subject, problems);
  }
  // After the other problems: a typo is fixed in a second, a second grpc-js takes an install.
  if (credentials === 'another copy') {
    throw foreignServerCredentialsError(name as string, raw.credentials as object);
  }
  return {
    port: port as number,
    host: host as string,
    name: name as string,
    credentials: raw.credentials as ServerCredentials | undefined,
    services: services as readonly GrpcService[],
    health: health as boolean,
    reflection: reflection as readonly PackageDefinition[],
    options: serverOptions,
  };
}
