import {
  credentials,
  loadPackageDefinition,
  type ChannelOptions,
  type Client,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import type { ServiceInstance } from '@kratos-ts/core';
import { GrpcServer } from '../../../src/index.js';
import { GreeterService, greeterPackage, type HelloReply, type HelloRequest } from '../../support/greeter.js';
import { CountingDiscovery } from './counting-discovery.js';

/** A Greeter that answers with its instance id and counts the calls it is working on. */
export class CountingGreeter {
  inFlight = 0;
  completed = 0;

  constructor(readonly id: string) {}

  sayHello(call: ServerUnaryCall<HelloRequest, HelloReply>, callback: sendUnaryData<HelloReply>): void {
    this.inFlight += 1;
    const reply = (): void => {
      this.inFlight -= 1;
      this.completed += 1;
      callback(null, {
        message: `Hello ${call.request.name}`,
        appName: 'greeter',
        appVersion: '1',
        appId: this.id,
      });
    };
    if (call.request.delayMs) setTimeout(reply, call.request.delayMs);
    else reply();
  }
}

/** One running instance of "greeter": its server, its handler and what it registered. */
export interface GreeterInstance {
  readonly id: string;
  readonly server: GrpcServer;
  readonly greeter: CountingGreeter;
  readonly registered: ServiceInstance;
}

/** Standalone GrpcServers of "greeter" on 127.0.0.1 (OS-chosen ports), registered in one registry. */
export class GreeterFleet {
  readonly discovery = new CountingDiscovery();
  readonly #instances = new Set<GreeterInstance>();

  /** Starts an instance (with its own handler when given) and registers it. */
  async start(id: string, greeter: CountingGreeter = new CountingGreeter(id)): Promise<GreeterInstance> {
    const server = new GrpcServer({
      host: '127.0.0.1',
      port: 0,
      name: id,
      services: [{ definition: GreeterService, implementation: greeter }],
    });
    await server.start(new AbortController().signal);
    const registered: ServiceInstance = {
      id,
      name: 'greeter',
      version: '1.0.0',
      metadata: {},
      endpoints: [server.endpoint()!],
    };
    const instance = { id, server, greeter, registered };
    this.#instances.add(instance);
    await this.register(instance);
    return instance;
  }

  register(instance: GreeterInstance): Promise<void> {
    return this.discovery.registry.register(instance.registered);
  }

  deregister(instance: GreeterInstance): Promise<void> {
    return this.discovery.registry.deregister(instance.registered);
  }

  /** Deregisters the instance and stops its server gracefully (GOAWAY; in-flight calls finish). */
  async replace(instance: GreeterInstance): Promise<void> {
    await this.deregister(instance);
    await instance.server.stop(AbortSignal.timeout(5_000));
    this.#instances.delete(instance);
  }

  /** Stops every server at once (afterEach). */
  async stopAll(): Promise<void> {
    const instances = [...this.#instances];
    this.#instances.clear();
    await Promise.all(instances.map((instance) => instance.server.stop(AbortSignal.abort())));
  }
}

/** A Greeter client with call options (deadlines). */
export interface GreeterStub extends Client {
  sayHello(
    request: HelloRequest,
    options: { deadline?: number },
    callback: (error: ServiceError | null, reply?: HelloReply) => void,
  ): unknown;
}

const Greeter = (
  loadPackageDefinition(greeterPackage) as unknown as {
    greeter: { v1: { Greeter: ServiceClientConstructor } };
  }
).greeter.v1.Greeter;

/** The loaded Greeter stub on `target` (`discovery:///greeter`), insecure. */
export function greeterAt(target: string, options: ChannelOptions = {}): GreeterStub {
  return new Greeter(target, credentials.createInsecure(), options) as unknown as GreeterStub;
}

/** One SayHello: the reply, or the error the call ended with. */
export function hello(
  client: GreeterStub,
  request: HelloRequest,
  deadlineMs = 5_000,
): Promise<{ reply?: HelloReply; error?: ServiceError }> {
  return new Promise((resolve) =>
    client.sayHello(request, { deadline: Date.now() + deadlineMs }, (error, reply) =>
      resolve(error ? { error } : reply ? { reply } : { error: new Error('no reply') as ServiceError }),
    ),
  );
}
