import { describe, expect, it } from '@jest/globals';
import { isKratosError, type KratosError, type ServiceInstance } from '@kratos-ts/core';
import { DiscoveryErrorCode, nodesOf, staticNodes, type Node } from '../src/index.js';
import { describeState, node } from './support/fixtures.js';

describe('staticNodes', () => {
  const nodes = [node('a'), node('b')];

  it('is ready with its nodes at once and for good', async () => {
    const set = staticNodes('10.0.0.1:8000', nodes);
    expect(set.service).toBe('10.0.0.1:8000');
    expect(set.state).toEqual({ kind: 'ready', nodes });
    expect(set.nodes()).toEqual(nodes);
    await expect(set.ready(AbortSignal.abort())).resolves.toEqual(nodes);
  });

  it('keeps its own copy of the nodes', () => {
    const mutable = [...nodes];
    const set = staticNodes('x:1', mutable);
    mutable.pop();
    expect(set.nodes()).toHaveLength(2);
  });

  it('state$ emits ready once and completes on close; close is idempotent; then ready() rejects CLOSED', async () => {
    const set = staticNodes('x:1', nodes);
    const seen: string[] = [];
    let completed = 0;
    set.state$.subscribe({ next: (state) => seen.push(describeState(state)), complete: () => completed++ });
    set.close();
    set.close();
    expect(seen).toEqual(['ready[http://a:80, http://b:80]']);
    expect(completed).toBe(1);
    await expect(set.ready()).rejects.toMatchObject({ code: DiscoveryErrorCode.Closed });
  });

  it('works with the nodes of a parsed static target', () => {
    const instance: ServiceInstance = {
      id: 'x',
      name: 'x',
      version: '',
      metadata: {},
      endpoints: ['http://[::1]:8000'],
    };
    const set = staticNodes('[::1]:8000', nodesOf([instance], ['http']));
    expect(set.nodes()[0]?.address).toBe('[::1]:8000');
  });

  it.each<[string, unknown, unknown, string]>([
    ['no node', 'x:1', [], 'nodes must be a non-empty array'],
    ['nodes not an array', 'x:1', undefined, 'nodes must be a non-empty array'],
    ['an empty service', '', [node('a')], 'the service must be a non-empty string'],
  ])('throws KRATOS_DISCOVERY_INVALID_OPTIONS for %s', (_what, service, list, problem) => {
    let thrown: unknown;
    try {
      staticNodes(service as string, list as Node[]);
    } catch (error) {
      thrown = error;
    }
    expect(isKratosError(thrown) && thrown.code).toBe(DiscoveryErrorCode.InvalidOptions);
    expect((thrown as Error).message).toMatch(/^The node set( of "x:1")? has invalid options:\n {2}- /);
    expect((thrown as Error).message).toContain(problem);
    expect((thrown as KratosError).errors).toHaveLength(1);
  });

  it('lists both problems when the service and the nodes are wrong', () => {
    let thrown: unknown;
    try {
      staticNodes(42 as unknown as string, []);
    } catch (error) {
      thrown = error;
    }
    expect(isKratosError(thrown) && thrown.code).toBe(DiscoveryErrorCode.InvalidOptions);
    expect((thrown as KratosError).errors).toHaveLength(2);
    expect((thrown as Error).message).toBe(
      [
        'The node set has invalid options:',
        '  - the service must be a non-empty string, got 42: pass the target address, e.g. "127.0.0.1:8000"',
        '  - nodes must be a non-empty array, got an empty array: a static target needs at least one node to call',
      ].join('\n'),
    );
  });
});
