import { describe, expect, it } from '@jest/globals';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { isKratosError } from '@kratos-ts/core';
import {
  DEFAULT_GRPC_SERVER_OPTIONS,
  GrpcErrorCode,
  GrpcServer,
  resolveGrpcServerOptions,
  serviceNameOf,
} from '../src/index.js';
import { GreeterService, greeterPackage } from './support/greeter.js';

describe('GrpcServer options', () => {
  it('defaults to 0.0.0.0:9000, name "grpc", health on, no reflection, insecure', () => {
    const { resolved, problems } = resolveGrpcServerOptions({});

    expect(problems).toEqual([]);
    expect(resolved).toMatchObject({
      ...DEFAULT_GRPC_SERVER_OPTIONS,
      reflection: [],
      services: [],
      options: {},
    });
    expect(resolved.credentials).toBeUndefined();
    expect(new GrpcServer().name).toBe('grpc');
  });

  it('takes one package definition or several for reflection', () => {
    expect(resolveGrpcServerOptions({ reflection: greeterPackage }).resolved.reflection).toEqual([
      greeterPackage,
    ]);
    expect(
      resolveGrpcServerOptions({ reflection: [greeterPackage, greeterPackage] }).resolved.reflection,
    ).toHaveLength(2);
  });

  it('throws KRATOS_GRPC_INVALID_OPTIONS listing every problem, naming the server', () => {
    const build = (): GrpcServer =>
      new GrpcServer({
        name: 'api',
        port: 70_000,
        host: '',
        services: [{ definition: undefined as unknown as ServiceDefinition, implementation: {} }],
      });

    expect(build).toThrow(expect.objectContaining({ code: GrpcErrorCode.InvalidOptions }));
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(isKratosError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('gRPC server "api"');
    expect(message).toContain('port must be an integer from 0 to 65535');
    expect(message).toContain('70000');
    expect(message).toContain('host must be an address');
    expect(message).toContain('services[0].definition');
  });
});

describe('serviceNameOf', () => {
  it('reads the fully qualified name from the method paths', () => {
    expect(serviceNameOf(GreeterService)).toBe('greeter.v1.Greeter');
    expect(serviceNameOf({})).toBeUndefined();
  });
});
