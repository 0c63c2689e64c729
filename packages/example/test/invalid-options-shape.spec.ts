import { describe, expect, it } from '@jest/globals';
import {
  InMemoryRegistry,
  isKratosError,
  KratosErrorCode,
  LifecycleKernel,
  type KratosOptions,
} from '@kratos-ts/core';
import { DiscoveryErrorCode, staticNodes, watchNodes, type NodeSetOptions } from '@kratos-ts/discovery';
import {
  GrpcDiscoveryErrorCode,
  GrpcErrorCode,
  GrpcServer,
  registerDiscoveryResolver,
  type GrpcServerOptions,
} from '@kratos-ts/grpc';
import { HttpErrorCode, HttpServer, type HttpServerOptions } from '@kratos-ts/http';
import { createHttpClient, HttpClientErrorCode, type HttpRequestOptions } from '@kratos-ts/http/client';
import { EtcdErrorCode, EtcdRegistry } from '@kratos-ts/registry-etcd';

// Every package reports invalid options in core's one shape (invalidOptions()): its own code, then
// "<subject> has invalid options:" and one "  - problem" line per entry of `errors`.

/** What `attempt` threw or rejected with (it must do one or the other). */
async function failure(attempt: () => unknown): Promise<unknown> {
  try {
    await attempt();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('the options were accepted');
}

const registry = new InMemoryRegistry();

describe('invalid options: one shape in every package', () => {
  it.each<[string, string, string, number, () => unknown]>([
    [
      'core: LifecycleKernel',
      KratosErrorCode.InvalidOptions,
      'The application "greeter"',
      2,
      () =>
        new LifecycleKernel({
          options: { name: 'greeter', drainDelay: -1, stopTimout: 1 } as KratosOptions,
        }).run(),
    ],
    [
      'http: HttpServer',
      HttpErrorCode.InvalidOptions,
      'HttpServer "api"',
      2,
      () => new HttpServer({ name: 'api', handler: 'app', port: -1 } as unknown as HttpServerOptions),
    ],
    [
      'http: createHttpClient',
      HttpClientErrorCode.InvalidOptions,
      'HTTP client of "discovery:///greeter"',
      2,
      () => createHttpClient({ target: 'discovery:///greeter', timeout: -1 }),
    ],
    [
      'http: HttpClient#request',
      HttpClientErrorCode.InvalidOptions,
      'Request GET "hello" to "127.0.0.1:1"',
      2,
      async () => {
        const client = createHttpClient({ target: 'http://127.0.0.1:1' });
        try {
          await client.request({ path: 'hello', colour: 'red' } as unknown as HttpRequestOptions);
        } finally {
          await client.close();
        }
      },
    ],
    [
      'grpc: GrpcServer',
      GrpcErrorCode.InvalidOptions,
      'GrpcServer "grpc"',
      2,
      () => new GrpcServer({ name: 'grpc', port: 70_000, prot: 9000 } as GrpcServerOptions),
    ],
    [
      'grpc: registerDiscoveryResolver',
      GrpcDiscoveryErrorCode.InvalidOptions,
      'The gRPC discovery resolver for scheme "discovery"',
      1,
      () => registerDiscoveryResolver(registry, { scheme: 'discovery', emptyGrace: -1 }),
    ],
    [
      'discovery: watchNodes',
      DiscoveryErrorCode.InvalidOptions,
      'The node set of "greeter"',
      2,
      () => watchNodes(registry, 'greeter', { schemes: [], colour: 'red' } as NodeSetOptions),
    ],
    [
      'discovery: staticNodes',
      DiscoveryErrorCode.InvalidOptions,
      'The node set of "127.0.0.1:8000"',
      1,
      () => staticNodes('127.0.0.1:8000', []),
    ],
    [
      'registry-etcd: EtcdRegistry',
      EtcdErrorCode.InvalidOptions,
      'EtcdRegistry',
      2,
      () => new EtcdRegistry({ hosts: ['127.0.0.1:2379'], ttl: 1 }),
    ],
  ])('%s', async (_thing, code, subject, problems, attempt) => {
    const error = await failure(attempt);

    expect(isKratosError(error)).toBe(true);
    if (!isKratosError(error)) return;
    expect(error.code).toBe(code);
    expect(error.code).toMatch(/^KRATOS_[A-Z_]*INVALID_OPTIONS$/);
    expect(error.message.startsWith(`${subject} has invalid options:\n  - `)).toBe(true);
    expect(error.errors).toHaveLength(problems);
    expect(error.errors.every((problem) => problem instanceof Error)).toBe(true);
    // One line per problem, each its `errors` entry, and nothing else.
    expect(error.message.split('\n').slice(1)).toEqual(
      error.errors.map((problem) => `  - ${(problem as Error).message}`),
    );
  });
});
