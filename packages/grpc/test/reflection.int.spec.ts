import { afterEach, describe, expect, it } from '@jest/globals';
import {
  credentials,
  loadPackageDefinition,
  status as GrpcStatus,
  type Client,
  type ClientDuplexStream,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GrpcServer } from '../src/index.js';
import { Greeter, GreeterService, greeterPackage } from './support/greeter.js';

interface ReflectionResponse {
  listServicesResponse?: { service: { name: string }[] };
}
interface ReflectionClient extends Client {
  serverReflectionInfo(): ClientDuplexStream<{ listServices: string }, ReflectionResponse>;
}

// The v1 reflection proto that @grpc/reflection ships, to talk to the server as grpcurl would.
const reflectionProto = join(
  dirname(createRequire(import.meta.url).resolve('@grpc/reflection')),
  '../proto/grpc/reflection/v1/reflection.proto',
);
const reflectionGrpc = loadPackageDefinition(loadSync(reflectionProto, { keepCase: false })) as unknown as {
  grpc: { reflection: { v1: { ServerReflection: ServiceClientConstructor } } };
};

const servers: GrpcServer[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.stop(AbortSignal.abort())));
});

async function listServices(port: number): Promise<string[]> {
  const client = new reflectionGrpc.grpc.reflection.v1.ServerReflection(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as ReflectionClient;
  clients.push(client);
  const call = client.serverReflectionInfo();
  const reply = new Promise<ReflectionResponse>((resolve, reject) => {
    call.once('data', resolve);
    call.once('error', reject);
  });
  call.write({ listServices: '' });
  const response = await reply;
  call.end();
  return (response.listServicesResponse?.service ?? []).map((service) => service.name);
}

describe('gRPC server reflection', () => {
  it('lists the services of the package definitions given as reflection', async () => {
    const server = new GrpcServer({
      host: '127.0.0.1',
      port: 0,
      services: [{ definition: GreeterService, implementation: new Greeter({ name: 'x' } as never) }],
      reflection: [greeterPackage],
    });
    servers.push(server);
    await server.start(new AbortController().signal);

    const services = await listServices(server.port!);

    expect(services).toContain('greeter.v1.Greeter');
  });

  it('is not served when reflection is not given', async () => {
    const server = new GrpcServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    await server.start(new AbortController().signal);

    await expect(listServices(server.port!)).rejects.toMatchObject({ code: GrpcStatus.UNIMPLEMENTED });
  });
});
