import { describe, expect, it } from '@jest/globals';
import { experimental } from '@grpc/grpc-js';
import { InMemoryRegistry, isKratosError, type KratosError, type ServiceDiscovery } from '@kratos-ts/core';
import { GrpcDiscoveryErrorCode, registerDiscoveryResolver } from '../../src/index.js';

const registry = new InMemoryRegistry();

function failure(discovery: unknown, options?: unknown): KratosError {
  try {
    registerDiscoveryResolver(discovery as ServiceDiscovery, options as never);
  } catch (error: unknown) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('registerDiscoveryResolver accepted it');
}

function resolverExists(scheme: string): boolean {
  try {
    experimental.createResolver({ scheme, authority: '', path: 'greeter' }, () => true, {}).destroy();
    return true;
  } catch {
    return false;
  }
}

describe('registerDiscoveryResolver', () => {
  it("registers the 'discovery' scheme by default", () => {
    registerDiscoveryResolver(registry);

    expect(resolverExists('discovery')).toBe(true);
  });

  it.each([
    ['an unknown option', { scheme: 'opt-a', emptygrace: 10 }, 'unknown option "emptygrace"'],
    ['a scheme with "://"', { scheme: 'discovery://' }, 'scheme must be a lower-case URI scheme'],
    ['an upper-case scheme', { scheme: 'Discovery' }, 'got "Discovery"'],
    ['an empty scheme', { scheme: '' }, 'scheme must be a lower-case URI scheme'],
    ['a scheme of grpc-js', { scheme: 'dns' }, 'scheme "dns" belongs to a resolver of grpc-js itself'],
    ['a negative emptyGrace', { scheme: 'opt-b', emptyGrace: -1 }, 'emptyGrace must be a finite number'],
    ['an infinite emptyGrace', { scheme: 'opt-c', emptyGrace: Infinity }, 'got Infinity'],
    ['a string emptyGrace', { scheme: 'opt-d', emptyGrace: '1000' }, 'got "1000"'],
    ['filters not an array', { scheme: 'opt-e', filters: () => [] }, 'filters must be an array of functions'],
    ['a filter not a function', { scheme: 'opt-f', filters: ['2.0.0'] }, 'filters[0] is not a function'],
    ['secure not a boolean', { scheme: 'opt-g', secure: 'yes' }, 'secure must be true'],
    ['a logger without methods', { scheme: 'opt-h', logger: {} }, 'logger must be a Logger'],
    [
      'a scheduler without schedule()',
      { scheme: 'opt-i', scheduler: {} },
      'scheduler must be an RxJS SchedulerLike',
    ],
    ['options not an object', 'discovery', 'the options must be an object'],
    ['retry not an object', { scheme: 'opt-r1', retry: true }, 'retry must be an object'],
    ['retry without methods', { scheme: 'opt-r2', retry: {} }, 'retry.methods must list at least one method'],
    ['retry with no method', { scheme: 'opt-r3', retry: { methods: [] } }, 'got an empty array'],
    [
      'a retry method with a path for a service',
      { scheme: 'opt-r4', retry: { methods: [{ service: '/greeter.v1.Greeter/SayHello' }] } },
      'retry.methods[0].service must be a fully-qualified service name',
    ],
    [
      'a retry method with a bad method name',
      { scheme: 'opt-r5', retry: { methods: [{ service: 'greeter.v1.Greeter', method: 'Say/Hello' }] } },
      'retry.methods[0].method must be a method name',
    ],
    [
      'a retry method with an unknown key',
      { scheme: 'opt-r6', retry: { methods: [{ service: 'greeter.v1.Greeter', methods: 'SayHello' }] } },
      'unknown option "retry.methods[0].methods": remove it or check its spelling (did you mean "retry.methods[0].method"?',
    ],
    [
      'a retry method listed twice',
      {
        scheme: 'opt-r7',
        retry: {
          methods: [
            { service: 'a.B', method: 'C' },
            { service: 'a.B', method: 'C' },
          ],
        },
      },
      'retry.methods[1] names a.B/C a second time',
    ],
    [
      'a retry method listed with its whole service',
      { scheme: 'opt-r8', retry: { methods: [{ service: 'a.B', method: 'C' }, { service: 'a.B' }] } },
      'names a.B/C and all of a.B: list the service alone',
    ],
    [
      "retry.maxAttempts above grpc-js's limit",
      { scheme: 'opt-r9', retry: { methods: [{ service: 'a.B' }], maxAttempts: 6 } },
      'retry.maxAttempts must be a whole number from 2 to 5, got 6',
    ],
    [
      'retry.maxAttempts 1',
      { scheme: 'opt-r10', retry: { methods: [{ service: 'a.B' }], maxAttempts: 1 } },
      'got 1',
    ],
    [
      'a fractional retry.initialBackoff',
      { scheme: 'opt-r11', retry: { methods: [{ service: 'a.B' }], initialBackoff: 0.5 } },
      'retry.initialBackoff must be a whole number of milliseconds > 0, got 0.5',
    ],
    [
      'retry.maxBackoff below initialBackoff',
      { scheme: 'opt-r12', retry: { methods: [{ service: 'a.B' }], initialBackoff: 500, maxBackoff: 100 } },
      'retry.maxBackoff (100) is below retry.initialBackoff (500)',
    ],
    [
      'a zero retry.backoffMultiplier',
      { scheme: 'opt-r13', retry: { methods: [{ service: 'a.B' }], backoffMultiplier: 0 } },
      'retry.backoffMultiplier must be a finite number > 0',
    ],
    [
      'retry.retryableStatusCodes (only UNAVAILABLE is retried)',
      { scheme: 'opt-r14', retry: { methods: [{ service: 'a.B' }], retryableStatusCodes: ['INTERNAL'] } },
      'unknown option "retry.retryableStatusCodes"',
    ],
  ])(
    'rejects %s with KRATOS_GRPC_DISCOVERY_INVALID_OPTIONS naming it, and registers nothing',
    (_, options, culprit) => {
      const error = failure(registry, options);

      expect(error.code).toBe(GrpcDiscoveryErrorCode.InvalidOptions);
      expect(error.code).toBe('KRATOS_GRPC_DISCOVERY_INVALID_OPTIONS');
      expect(error.message).toMatch(
        /^The gRPC discovery resolver( for scheme "[^"]+")? has invalid options:\n {2}- /,
      );
      expect(error.message).toContain(culprit);
      const scheme = (options as { scheme?: unknown }).scheme;
      if (typeof scheme === 'string' && scheme.startsWith('opt-')) expect(resolverExists(scheme)).toBe(false);
    },
  );

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an object without watch()', { getService: () => Promise.resolve([]) }],
  ])('rejects a discovery that is %s, saying what to pass', (_, discovery) => {
    const error = failure(discovery, { scheme: 'opt-no-watch' });

    expect(error.code).toBe(GrpcDiscoveryErrorCode.InvalidOptions);
    expect(error.message).toContain('the discovery must be a ServiceDiscovery with watch(), got');
    expect(resolverExists('opt-no-watch')).toBe(false);
  });

  it('lists every problem in one error', () => {
    const error = failure({}, { scheme: 'UPPER', emptyGrace: -5, filters: [1], colour: 'red' });

    expect(error.errors).toHaveLength(5);
    expect(error.message.split('\n')[0]).toBe('The gRPC discovery resolver has invalid options:');
    expect(error.message.split('\n').slice(1)).toEqual([
      expect.stringContaining('the discovery must be a ServiceDiscovery with watch()'),
      expect.stringContaining('unknown option "colour"'),
      expect.stringContaining('scheme must be'),
      expect.stringContaining('filters[0] is not a function'),
      expect.stringContaining('emptyGrace must be'),
    ]);
  });

  it('names the scheme it was asked to register when that scheme is one', () => {
    expect(failure(registry, { scheme: 'opt-named', colour: 'red' }).message).toBe(
      'The gRPC discovery resolver for scheme "opt-named" has invalid options:\n' +
        '  - unknown option "colour": remove it or check its spelling (known: scheme, secure, filters, emptyGrace, logger, scheduler, retry, grpc)',
    );
  });

  it('accepts emptyGrace 0 and an explicit undefined for any option', () => {
    expect(() =>
      registerDiscoveryResolver(registry, {
        scheme: 'opt-ok',
        emptyGrace: 0,
        secure: undefined,
        filters: undefined,
        logger: undefined,
        scheduler: undefined,
        retry: undefined,
      }),
    ).not.toThrow();
    expect(resolverExists('opt-ok')).toBe(true);
  });
});
