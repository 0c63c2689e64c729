import { describe, expect, it } from '@jest/globals';
import { isKratosError, type ServiceDiscovery } from '@kratos-ts/core';
import { DISCOVERY_DEFAULTS, DiscoveryErrorCode, watchNodes, type NodeSetOptions } from '../src/index.js';
import { FakeDiscovery } from './support/fake-discovery.js';

/** The error `watchNodes` throws for these arguments (untyped on purpose: callers may be JS). */
function invalid(
  discovery: unknown,
  name: unknown,
  options: unknown,
): Error & { code: string; errors: readonly unknown[] } {
  try {
    watchNodes(discovery as ServiceDiscovery, name as string, options as NodeSetOptions);
  } catch (error) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('watchNodes accepted the options');
}

describe('watchNodes: option validation', () => {
  const discovery = new FakeDiscovery();

  it('has a default emptyGrace of 1000 ms', () => {
    expect(DISCOVERY_DEFAULTS.emptyGrace).toBe(1_000);
    expect(Object.isFrozen(DISCOVERY_DEFAULTS)).toBe(true);
  });

  it('throws ONE KRATOS_DISCOVERY_INVALID_OPTIONS listing every problem', () => {
    const error = invalid({ getService: () => undefined }, '', {
      schemes: [],
      emptyGrace: -1,
      filters: ['version'],
      colour: 'blue',
    });
    expect(error.code).toBe(DiscoveryErrorCode.InvalidOptions);
    expect(error.errors).toHaveLength(6);
    expect(error.message).toBe(
      [
        'The node set has invalid options:',
        '  - the service name must be a non-empty string, got "": pass the name the service registers under (its AppInfo.name)',
        '  - the discovery must be a ServiceDiscovery with watch(), got an object: pass an InMemoryRegistry or an etcd registry, for example',
        '  - unknown option "colour": remove it or check its spelling (known: schemes, filters, emptyGrace, logger, scheduler)',
        "  - schemes must be a non-empty array of endpoint schemes such as ['http'] or ['grpc'], got an empty array",
        '  - filters[0] is not a function (got "version"): a filter is (nodes) => nodes',
        '  - emptyGrace must be a finite number of milliseconds >= 0, got -1: leave it out for the default (1000)',
      ].join('\n'),
    );
  });

  it.each<[string, unknown, string]>([
    [
      'schemes missing',
      {},
      "schemes is missing: pass the endpoint schemes to keep, e.g. { schemes: ['http'] }",
    ],
    ['schemes not an array', { schemes: 'http' }, 'schemes must be a non-empty array'],
    [
      'schemes with a non-string',
      { schemes: ['http', 7] },
      'schemes[1] must be a scheme such as \'http\' (no "://"), got 7',
    ],
    ['schemes with a URL', { schemes: ['http://'] }, 'schemes[0] must be a scheme'],
    ['emptyGrace NaN', { schemes: ['http'], emptyGrace: Number.NaN }, 'emptyGrace must be a finite number'],
    ['emptyGrace Infinity', { schemes: ['http'], emptyGrace: Infinity }, 'got Infinity'],
    ['emptyGrace a string', { schemes: ['http'], emptyGrace: '1000' }, 'got "1000"'],
    [
      'filters not an array',
      { schemes: ['http'], filters: () => [] },
      'filters must be an array of functions',
    ],
    ['a logger without methods', { schemes: ['http'], logger: {} }, 'logger must be a Logger'],
    [
      'a scheduler without schedule()',
      { schemes: ['http'], scheduler: { now: () => 0 } },
      'scheduler must be an RxJS SchedulerLike',
    ],
    ['options not an object', 'http', 'the options must be an object'],
    ['a misspelt option', { schemes: ['http'], emptygrace: 5 }, 'unknown option "emptygrace"'],
  ])('rejects %s, naming the service and the culprit', (_what, options, problem) => {
    const error = invalid(discovery, 'greeter', options);
    expect(error.code).toBe(DiscoveryErrorCode.InvalidOptions);
    expect(error.message).toContain('The node set of "greeter" has invalid options:\n  - ');
    expect(error.message).toContain(problem);
    expect(error.errors).toHaveLength(1);
  });

  it.each([[undefined], [null], [{}]])('rejects a discovery without watch(): %p', (bad) => {
    expect(invalid(bad, 'greeter', { schemes: ['http'] }).message).toContain(
      'the discovery must be a ServiceDiscovery with watch(), got',
    );
  });

  it.each([[undefined], [42], ['']])('rejects a service name that is not a non-empty string: %p', (name) => {
    expect(invalid(discovery, name, { schemes: ['http'] }).message).toContain(
      'the service name must be a non-empty string',
    );
  });

  it('accepts every documented option, undefined ones included', () => {
    const set = watchNodes(discovery, 'greeter', {
      schemes: ['http', 'https'],
      filters: [],
      emptyGrace: 0,
      logger: undefined,
      scheduler: undefined,
    });
    expect(set.service).toBe('greeter');
    set.close();
  });
});
