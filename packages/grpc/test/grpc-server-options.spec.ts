import { describe, expect, it } from '@jest/globals';
import { ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { isKratosError, type KratosError } from '@kratos-ts/core';
import { resolveGrpcServerOptions } from '../src/grpc-server-options.js';
import { GRPC_SERVER_DEFAULTS, GrpcErrorCode, GrpcServer, type GrpcServerOptions } from '../src/index.js';
import { serviceNameOf } from '../src/service-name.js';
import { GreeterService, greeterPackage } from './support/greeter.js';

describe('GrpcServer options', () => {
  it('defaults to 0.0.0.0:9000, name "grpc", health on, no reflection, insecure', () => {
    const resolved = resolveGrpcServerOptions({});

    expect(resolved).toMatchObject({
      ...GRPC_SERVER_DEFAULTS,
      reflection: [],
      services: [],
      options: {},
    });
    expect(resolved.credentials).toBeUndefined();
    expect(new GrpcServer().name).toBe('grpc');
  });

  it('takes one package definition or several for reflection', () => {
    expect(resolveGrpcServerOptions({ reflection: greeterPackage }).reflection).toEqual([greeterPackage]);
    expect(
      resolveGrpcServerOptions({ reflection: [greeterPackage, greeterPackage] }).reflection,
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
    expect(message).toMatch(/^GrpcServer "api" has invalid options:\n {2}- /);
    expect(message).toContain('port must be a whole number from 0 to 65535');
    expect(message).toContain('70000');
    expect(message).toContain('host must be an address');
    expect(message).toContain('services[0].definition must be a gRPC ServiceDefinition');
    expect((error as KratosError).errors).toHaveLength(3);
  });

  it.each<[string, unknown, string]>([
    ['a misspelt option', { prot: 9000 }, 'unknown option "prot": remove it or check its spelling'],
    [
      'a string port',
      { port: '9000' },
      'port must be a whole number from 0 to 65535, got "9000": 0 lets the OS choose',
    ],
    [
      'credentials that are not',
      { credentials: { insecure: true } },
      'credentials must be grpc-js ServerCredentials',
    ],
    [
      'services not an array',
      { services: {} },
      'services must be an array of { definition, implementation }',
    ],
    ['a null service', { services: [null] }, 'services[0].definition must be a gRPC ServiceDefinition'],
    [
      'health not a boolean',
      { health: 'on' },
      'health must be true or false, got "on": true serves grpc.health.v1.Health',
    ],
    [
      'reflection not a package definition',
      { reflection: 'greeter.proto' },
      'reflection must be a package definition',
    ],
    [
      'grpc-js options not an object',
      { options: 'fast' },
      'options (passed to new grpc.Server()) must be an object',
    ],
    ['an empty name', { name: '' }, `name must be a non-empty string such as 'api' (default 'grpc'), got ""`],
    ['options that are not an object', null, 'the options must be an object'],
  ])('rejects %s, naming it and how to fix it', (_what, options, problem) => {
    let error: unknown;
    try {
      resolveGrpcServerOptions(options as GrpcServerOptions);
    } catch (e) {
      error = e;
    }
    expect(isKratosError(error) && error.code).toBe(GrpcErrorCode.InvalidOptions);
    expect((error as Error).message).toMatch(/^GrpcServer( "grpc")? has invalid options:\n {2}- /);
    expect((error as Error).message).toContain(problem);
  });

  it('accepts grpc-js credentials and options', () => {
    const credentials = ServerCredentials.createInsecure();
    expect(
      resolveGrpcServerOptions({ credentials, options: { 'grpc.max_receive_message_length': 1024 } }),
    ).toMatchObject({
      credentials,
      options: { 'grpc.max_receive_message_length': 1024 },
    });
  });
});

describe('serviceNameOf', () => {
  it('reads the fully qualified name from the method paths', () => {
    expect(serviceNameOf(GreeterService)).toBe('greeter.v1.Greeter');
    expect(serviceNameOf({})).toBeUndefined();
  });
});
