import {
  createKratosModule,
  InMemoryRegistry,
  KRATOS_OPTIONS,
  LifecycleKernel,
  LOGGER,
  REGISTRAR,
  SERVER,
  silentLogger,
  type KratosOptions,
  type LifecycleEvent,
  type Newable,
  type TransportServer,
} from '@kratos-ts/core';
import { Container } from 'inversify';
import { firstValueFrom, filter } from 'rxjs';
import { GrpcServer, type GrpcServerOptions } from '../../src/index.js';
import { Greeter, GreeterService } from './greeter.js';

/** One app under test: a real kernel from the container, a GrpcServer and its Greeter. */
export interface TestApp {
  readonly container: Container;
  readonly kernel: LifecycleKernel;
  readonly grpc: GrpcServer;
  readonly greeter: Greeter;
  readonly registry: InMemoryRegistry;
  /** Every kernel event with the `performance.now()` it happened at. */
  readonly events: { readonly at: number; readonly event: LifecycleEvent }[];
}

/** What `testApp` takes. */
export interface TestAppSpec {
  readonly options?: KratosOptions;
  readonly grpc?: GrpcServerOptions;
  /** More servers to bind to `SERVER`, started alongside the gRPC one. */
  readonly servers?: readonly TransportServer[];
  /** A `GrpcServer` subclass to run (through `createKratosModule({ servers })`) instead of the bound one. */
  readonly serverClass?: Newable<GrpcServer>;
}

/**
 * Builds the app the way users do: Greeter is a container service that injects AppInfo, the
 * GrpcServer is bound to `SERVER` with a dynamic value, the kernel comes from `createKratosModule`.
 * It binds 127.0.0.1 on an OS-chosen port unless told otherwise.
 */
export function testApp(spec: TestAppSpec = {}): TestApp {
  const container = new Container();
  const registry = new InMemoryRegistry();
  container.bind(LOGGER).toConstantValue(silentLogger);
  container.bind(KRATOS_OPTIONS).toConstantValue({
    id: 'instance-1',
    name: 'greeter-app',
    version: '1.2.3',
    signals: [],
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
  const kernel = container.get(LifecycleKernel);
  const events: { at: number; event: LifecycleEvent }[] = [];
  kernel.events$.subscribe((event) => events.push({ at: performance.now(), event }));
  const grpc = spec.serverClass
    ? container.get(spec.serverClass)
    : container
        .getAll<TransportServer>(SERVER)
        .find((server): server is GrpcServer => server instanceof GrpcServer);
  if (!grpc) throw new Error('no GrpcServer bound');
  return { container, kernel, grpc, greeter: container.get(Greeter), registry, events };
}

/** Runs the kernel and resolves once it is `running`, with run()'s promise (rejects if run() fails first). */
export async function runUntilRunning(app: TestApp): Promise<{ readonly run: Promise<void> }> {
  const run = app.kernel.run();
  run.catch(() => undefined);
  await Promise.race([firstValueFrom(app.kernel.state$.pipe(filter((s) => s === 'running'))), run]);
  return { run };
}
