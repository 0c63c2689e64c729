import { describe, expect, it } from '@jest/globals';
import type { ServerOptions } from '@grpc/grpc-js';
import { isKratosError } from '@kratos-ts/core';
import { GrpcErrorCode, GrpcServer } from '../../src/index.js';

describe('GrpcServer options.interceptors (they go after its telemetry interceptor)', () => {
  it.each([
    ['an interceptor that is not in a list', { interceptors: () => undefined }],
    ['a list holding something else', { interceptors: [() => undefined, 'log'] }],
  ])('refuses %s with KRATOS_GRPC_INVALID_OPTIONS naming it', (_what, options) => {
    let error: unknown;
    try {
      new GrpcServer({ options: options as unknown as ServerOptions });
    } catch (e) {
      error = e;
    }
    expect(isKratosError(error) && error.code).toBe(GrpcErrorCode.InvalidOptions);
    expect((error as Error).message).toContain(
      'options.interceptors must be an array of grpc-js server interceptors (functions of (methodDescriptor, call))',
    );
  });
});
