import { describe, expect, it } from '@jest/globals';
import { KratosError, LifecycleKernel, isKratosError } from '../../src/index.js';
import { invalidOptions } from '../../src/internal.js';

describe('invalidOptions', () => {
  it('lists every problem under its subject, one per line, and carries each as an Error', () => {
    const error = invalidOptions('KRATOS_HTTP_INVALID_OPTIONS', 'HttpServer "api"', [
      'port must be an integer from 0 to 65535, got -1',
      'unknown option "hots": remove it or check its spelling',
    ]);
    expect(error).toBeInstanceOf(KratosError);
    expect(isKratosError(error)).toBe(true);
    expect(error.code).toBe('KRATOS_HTTP_INVALID_OPTIONS');
    expect(error.message).toBe(
      'HttpServer "api" has invalid options:\n' +
        '  - port must be an integer from 0 to 65535, got -1\n' +
        '  - unknown option "hots": remove it or check its spelling',
    );
    expect(error.errors.map((problem) => (problem as Error).message)).toEqual([
      'port must be an integer from 0 to 65535, got -1',
      'unknown option "hots": remove it or check its spelling',
    ]);
    expect(error.errors.every((problem) => problem instanceof Error)).toBe(true);
    expect('cause' in error).toBe(false);
  });

  it('keeps the error a problem came from as cause, and the problems as they are', () => {
    const parseError = new KratosError('KRATOS_DISCOVERY_INVALID_TARGET', 'Invalid target "x": no port');
    const error = invalidOptions(
      'KRATOS_HTTP_CLIENT_INVALID_OPTIONS',
      'HTTP client of "x"',
      [parseError.message, 'timeout must be a finite number of milliseconds > 0, got -1'],
      { cause: parseError },
    );
    expect(error.cause).toBe(parseError);
    expect(error.message).toBe(
      'HTTP client of "x" has invalid options:\n' +
        '  - Invalid target "x": no port\n' +
        '  - timeout must be a finite number of milliseconds > 0, got -1',
    );
    expect(error.errors.map((problem) => (problem as Error).message)).toEqual([
      'Invalid target "x": no port',
      'timeout must be a finite number of milliseconds > 0, got -1',
    ]);
  });

  it('is what the kernel rejects with for an invalid setup', async () => {
    const kernel = new LifecycleKernel({ options: { name: 'greeter', drainDelay: -1 } });
    await expect(kernel.run()).rejects.toMatchObject({
      code: 'KRATOS_INVALID_OPTIONS',
      message:
        'The application "greeter" has invalid options:\n  - drainDelay must be a finite number of milliseconds >= 0, got -1',
    });
  });
});
