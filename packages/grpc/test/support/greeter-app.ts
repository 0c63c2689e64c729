import {
  createKratosModule,
  InMemoryRegistry,
  KRATOS_OPTIONS,
  REGISTRAR,
  SERVER,
  type KratosOptions,
  type Newable,
  type TransportServer,
} from '@kratos-ts/core';
import { Container } from 'inversify';
import { GrpcServer, type GrpcServerOptions } from '../../src/index.js';
import { Greeter, GreeterService } from './greeter.js';

/** The greeter app's container (run it with `startTestApp(app.container)`), and what it runs. */
export interface GreeterApp {
  readonly container: Container;
  /** The registry bound to `REGISTRAR`. */
  readonly registry: InMemoryRegistry;
  /** The `GrpcServer` the kernel runs: ask once the app is started (or from one of its hooks). */
  grpc(): GrpcServer;
  /** The `Greeter` service the server answers with. */
  greeter(): Greeter;
}

/** What `greeterApp` takes. */
export interface GreeterAppSpec {
  readonly options?: KratosOptions;
  readonly grpc?: GrpcServerOptions;
  /** More servers to bind to `SERVER`, started alongside the gRPC one. */
  readonly servers?: readonly TransportServer[];
  /** A `GrpcServer` subclass to run (through `createKratosModule({ servers })`) instead of the bound one. */
  readonly serverClass?: Newable<GrpcServer>;
}

/**
 * Wires the app the way users do: Greeter is a container service that injects AppInfo, the
 * GrpcServer is bound to `SERVER` with a dynamic value, the kernel comes from `createKratosModule`.
 * It binds 127.0.0.1 on an OS-chosen port unless told otherwise.
 */
export function greeterApp(spec: GreeterAppSpec = {}): GreeterApp {
  const container = new Container();
  const registry = new InMemoryRegistry();
  container.bind(KRATOS_OPTIONS).toConstantValue({
    id: 'instance-1',
    name: 'greeter-app',
    version: '1.2.3',
    ...spec.options,
  } satisfies KratosOptions);
  container.bind(REGISTRAR).toConstantValue(registry);
  container.bind(Greeter).toSelf().inSingletonScope();
  if (!spec.serverClass)
    container
      .bind(SERVER)
      .toDynamicValue(
        (ctx) =>
          new GrpcServer({
            host: '127.0.0.1',
            port: 0,
            services: [{ definition: GreeterService, implementation: ctx.get(Greeter) }],
            ...spec.grpc,
          }),
      )
      .inSingletonScope();
  for (const server of spec.servers ?? []) container.bind(SERVER).toConstantValue(server);
  container.load(createKratosModule({ servers: spec.serverClass ? [spec.serverClass] : [] }));
  return {
    container,
    registry,
    grpc: () => {
      const grpc = spec.serverClass
        ? container.get(spec.serverClass)
        : container
            .getAll<TransportServer>(SERVER)
            .find((server): server is GrpcServer => server instanceof GrpcServer);
      if (!grpc) throw new Error('no GrpcServer bound');
      return grpc;
    },
    greeter: () => container.get(Greeter),
  };
}
