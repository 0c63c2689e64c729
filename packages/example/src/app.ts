import { Container } from 'inversify';
import { pino } from 'pino';
import {
  createKratosModule,
  InMemoryRegistry,
  KRATOS_OPTIONS,
  LOGGER,
  REGISTRAR,
  SERVER,
  type KratosOptions,
  type Logger,
  type Newable,
  type ServiceRegistrar,
} from '@kratos-ts/core';
import { HttpServer } from '@kratos-ts/http';
import type { KratosTelemetry } from '@kratos-ts/telemetry';
import type { ExampleConfig } from './config.js';
import { Greeter } from './greeter.js';
import { HttpApi } from './http-api.js';
import { LifecycleLog } from './lifecycle-log.js';

/** The example service, wired: what `main.ts` runs and what the tests resolve. */
export interface ExampleApp {
  readonly container: Container;
  /** Releases what the app created besides its servers (the etcd client). */
  readonly close: () => Promise<void>;
  /**
   * The OpenTelemetry SDK, when `otlpExport` or `metrics` asks for it: `start(kernel)` it before
   * `run()`; it flushes once the kernel stopped. Absent otherwise: no SDK is even loaded.
   */
  readonly telemetry?: KratosTelemetry;
}

/**
 * Builds the greeter: an HTTP server (Express router) and, unless disabled, a gRPC server, both
 * answering from the same `Greeter`; registered in etcd when `etcdEndpoints` is set, else in memory.
 * With `amqpUrl` or `natsUrl`, a consumer answers `greetings` messages from that `Greeter` too.
 * gRPC and etcd are imported only when used, so an HTTP-only start pays for neither (the bundle
 * holds them, but runs their modules only when these imports do). So is the OpenTelemetry SDK
 * (`@kratos-ts/telemetry`, left out of the bundle altogether): with `otlpExport` (traces and metrics
 * to OTEL_EXPORTER_OTLP_ENDPOINT) or `metrics` (`GET /metrics` on the HTTP port) only.
 */
export async function createExampleApp(
  config: ExampleConfig,
  logger: Logger = defaultLogger(),
): Promise<ExampleApp> {
  let telemetry: KratosTelemetry | undefined;
  if (config.otlpExport || config.metrics) {
    const { KratosTelemetry } = await import('@kratos-ts/telemetry');
    telemetry = new KratosTelemetry({ export: config.otlpExport, prometheus: config.metrics, logger });
  }
  const metrics = config.metrics ? telemetry?.metrics : undefined;

  const container = new Container();
  container.bind<KratosOptions>(KRATOS_OPTIONS).toConstantValue({
    name: 'greeter',
    version: '1.0.0',
    metadata: { example: 'true' },
    drainDelay: config.drainDelay,
  });
  container.bind<Logger>(LOGGER).toConstantValue(logger);
  container.bind(Greeter).toSelf().inSingletonScope();
  container.bind(HttpApi).toSelf().inSingletonScope();
  container
    .bind(SERVER)
    .toDynamicValue(
      (ctx) =>
        new HttpServer({
          name: 'http',
          host: config.host,
          port: config.port,
          handler: ctx.get(HttpApi).app,
          ...(metrics === undefined ? {} : { metrics }),
        }),
    )
    .inSingletonScope();

  if (config.grpcPort !== undefined) {
    const [{ GrpcServer }, { loadGreeterProto, greeterImplementation }] = await Promise.all([
      import('@kratos-ts/grpc'),
      import('./grpc-greeter.js'),
    ]);
    const proto = loadGreeterProto();
    const grpcPort = config.grpcPort;
    container
      .bind(SERVER)
      .toDynamicValue(
        (ctx) =>
          new GrpcServer({
            name: 'grpc',
            host: config.host,
            port: grpcPort,
            services: [
              { definition: proto.definition, implementation: greeterImplementation(ctx.get(Greeter)) },
            ],
            // Outside production only (config.ts): reflection maps the whole API for any caller.
            ...(config.grpcReflection ? { reflection: proto.packageDefinition } : {}),
          }),
      )
      .inSingletonScope();
  }

  let close = async (): Promise<void> => undefined;
  if (config.etcdEndpoints.length > 0) {
    const { EtcdRegistry } = await import('@kratos-ts/registry-etcd');
    const registry = new EtcdRegistry({
      hosts: [...config.etcdEndpoints],
      logger,
      ...(config.etcdTtl === undefined ? {} : { ttl: config.etcdTtl }),
    });
    container.bind<ServiceRegistrar>(REGISTRAR).toConstantValue(registry);
    close = () => registry.close();
  } else {
    container.bind<ServiceRegistrar>(REGISTRAR).toConstantValue(new InMemoryRegistry());
  }

  // The consumers' modules (and amqplib, the NATS client) are imported only when a URL asks for them.
  const hooks: Newable[] = [LifecycleLog];
  if (config.amqpUrl !== undefined) {
    const { bindAmqpGreetings } = await import('./consumer/amqp-greetings.js');
    hooks.push(bindAmqpGreetings(container, config.amqpUrl, config.greetHandlerMs, logger));
  }
  if (config.natsUrl !== undefined) {
    const { bindNatsGreetings } = await import('./consumer/nats-greetings.js');
    hooks.push(bindNatsGreetings(container, config.natsUrl, config.greetHandlerMs, logger));
  }

  container.load(createKratosModule({ hooks }));
  return { container, close, ...(telemetry === undefined ? {} : { telemetry }) };
}

function defaultLogger(): Logger {
  return pino({ name: 'greeter', level: process.env.LOG_LEVEL ?? 'info' });
}
