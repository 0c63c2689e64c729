import {
  credentials,
  loadPackageDefinition,
  makeClientConstructor,
  type Client,
  type ClientReadableStream,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceClientConstructor,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { APP_INFO, type AppInfo } from '@kratos-ts/core';
import { inject, injectable } from 'inversify';
import { fileURLToPath } from 'node:url';
import { service as healthDefinition } from 'grpc-health-check';

/** The loaded greeter.proto (fixtures). */
export const greeterPackage: PackageDefinition = loadSync(
  fileURLToPath(new URL('../fixtures/greeter.proto', import.meta.url)),
  { keepCase: false, longs: String, enums: String, defaults: true },
);

/** `greeter.v1.Greeter` as a grpc-js service definition. */
export const GreeterService = greeterPackage['greeter.v1.Greeter'] as unknown as ServiceDefinition;

export interface HelloRequest {
  name: string;
  delayMs?: number;
}
export interface StreamHellosRequest {
  name: string;
  intervalMs: number;
  count?: number;
}
export interface HelloReply {
  message: string;
  appName: string;
  appVersion: string;
  appId: string;
}

/** The greeter implementation: a container service that injects `AppInfo`. */
@injectable()
export class Greeter {
  /** Server-side streams that saw `cancelled`. */
  cancelledStreams = 0;
  /** Unary calls that finished their work. */
  completedCalls = 0;

  constructor(@inject(APP_INFO) private readonly app: AppInfo) {}

  sayHello(call: ServerUnaryCall<HelloRequest, HelloReply>, callback: sendUnaryData<HelloReply>): void {
    const reply = (): void => {
      this.completedCalls += 1;
      callback(null, this.#reply(call.request.name));
    };
    if (call.request.delayMs) setTimeout(reply, call.request.delayMs);
    else reply();
  }

  streamHellos(call: ServerWritableStream<StreamHellosRequest, HelloReply>): void {
    let sent = 0;
    const timer = setInterval(() => {
      call.write(this.#reply(`${call.request.name} #${++sent}`));
      if (call.request.count && sent >= call.request.count) {
        clearInterval(timer);
        call.end();
      }
    }, call.request.intervalMs || 20);
    call.on('cancelled', () => {
      clearInterval(timer);
      this.cancelledStreams += 1;
    });
  }

  #reply(name: string): HelloReply {
    return {
      message: `Hello ${name}`,
      appName: this.app.name,
      appVersion: this.app.version,
      appId: this.app.id,
    };
  }
}

/** A client of greeter.v1.Greeter, with promise helpers. */
export interface GreeterClient extends Client {
  sayHello(request: HelloRequest, callback: (error: Error | null, reply?: HelloReply) => void): unknown;
  streamHellos(request: StreamHellosRequest): ClientReadableStream<HelloReply>;
}

const greeterGrpc = loadPackageDefinition(greeterPackage) as unknown as {
  greeter: { v1: { Greeter: ServiceClientConstructor } };
};

/** A Greeter client on 127.0.0.1:port (tests connect to loopback only). */
export function greeterClient(port: number): GreeterClient {
  return new greeterGrpc.greeter.v1.Greeter(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as GreeterClient;
}

/** Calls SayHello and resolves with the reply. */
export function sayHello(client: GreeterClient, request: HelloRequest): Promise<HelloReply> {
  return new Promise((resolve, reject) =>
    client.sayHello(request, (error, reply) =>
      error || !reply ? reject(error ?? new Error('no reply')) : resolve(reply),
    ),
  );
}

/** A client of grpc.health.v1.Health. */
export interface HealthClient extends Client {
  check(
    request: { service: string },
    callback: (error: (Error & { code?: number }) | null, reply?: { status: string }) => void,
  ): unknown;
  watch(request: { service: string }): ClientReadableStream<{ status: string }>;
}

const HealthClientConstructor = makeClientConstructor(healthDefinition, 'grpc.health.v1.Health');

/** A Health client on 127.0.0.1:port. */
export function healthClient(port: number): HealthClient {
  return new HealthClientConstructor(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as HealthClient;
}

/** Calls Check and resolves with the status. */
export function checkHealth(client: HealthClient, service: string): Promise<string> {
  return new Promise((resolve, reject) =>
    client.check({ service }, (error, reply) =>
      error || !reply ? reject(error ?? new Error('no reply')) : resolve(reply.status),
    ),
  );
}
