import { describe, expect, it } from '@jest/globals';
import { applyFilters } from '../src/filters.js';
import { nodesOf, version, type NodeFilter } from '../src/index.js';
import { DEFAULT_WEIGHT } from '../src/node.js';
import { instance } from './support/fixtures.js';

describe('nodesOf', () => {
  it('keeps the endpoints of the wanted schemes only, normalised, in order', () => {
    const a = instance('a', ['http://10.0.0.1:8000', 'grpc://10.0.0.1:9000']);
    const b = instance('b', ['GRPC://10.0.0.2:9000/', 'https://10.0.0.2:8443']);
    const nodes = nodesOf([a, b], ['grpc']);
    expect(nodes).toEqual([
      {
        endpoint: 'grpc://10.0.0.1:9000',
        address: '10.0.0.1:9000',
        scheme: 'grpc',
        instance: a,
        weight: 100,
      },
      {
        endpoint: 'grpc://10.0.0.2:9000',
        address: '10.0.0.2:9000',
        scheme: 'grpc',
        instance: b,
        weight: 100,
      },
    ]);
    expect(nodesOf([a, b], ['http', 'HTTPS']).map((n) => n.endpoint)).toEqual([
      'http://10.0.0.1:8000',
      'https://10.0.0.2:8443',
    ]);
  });

  it('keeps an endpoint listed twice (by one instance or two) the first time only', () => {
    const a = instance('a', ['http://10.0.0.1:8000', 'http://10.0.0.1:8000']);
    const b = instance('b', ['http://10.0.0.1:8000', 'http://10.0.0.2:8000']);
    const nodes = nodesOf([a, b], ['http']);
    expect(nodes.map((n) => [n.endpoint, n.instance.id])).toEqual([
      ['http://10.0.0.1:8000', 'a'],
      ['http://10.0.0.2:8000', 'b'],
    ]);
  });

  it("leaves out endpoints that are not URLs with a host and a port (or their scheme's default port)", () => {
    const a = instance('a', [
      'not a url',
      'grpc://no-port',
      'http://:8000',
      '10.0.0.1:8000',
      'http://default-port',
      'http://ok:1',
    ]);
    expect(nodesOf([a], ['http', 'grpc']).map((n) => n.endpoint)).toEqual([
      'http://default-port:80',
      'http://ok:1',
    ]);
  });

  it('brackets IPv6 addresses', () => {
    const nodes = nodesOf([instance('a', ['grpc://[::1]:9000'])], ['grpc']);
    expect(nodes[0]).toMatchObject({ endpoint: 'grpc://[::1]:9000', address: '[::1]:9000' });
  });

  it.each([
    [{ weight: '50' }, 50],
    [{ weight: '2.5' }, 2.5],
    [{}, DEFAULT_WEIGHT],
    [{ weight: '0' }, DEFAULT_WEIGHT],
    [{ weight: '-3' }, DEFAULT_WEIGHT],
    [{ weight: 'heavy' }, DEFAULT_WEIGHT],
  ])('reads the weight from metadata %j as %d (default 100)', (metadata, weight) => {
    const nodes = nodesOf([instance('a', ['http://a:1'], { metadata })], ['http']);
    expect(nodes[0]?.weight).toBe(weight);
  });
});

describe('filters', () => {
  const v1 = instance('v1', ['http://10.0.0.1:8000'], { version: '1.0.0' });
  const v2 = instance('v2', ['http://10.0.0.2:8000'], { version: '2.0.0' });
  const v2b = instance('v2b', ['http://10.0.0.3:8000'], { version: '2.0.0-beta' });
  const nodes = nodesOf([v1, v2, v2b], ['http']);

  it('version(wanted) keeps the nodes of instances of exactly that version', () => {
    expect(version('2.0.0')(nodes).map((n) => n.instance.id)).toEqual(['v2']);
    expect(version('3.0.0')(nodes)).toEqual([]);
  });

  it('applyFilters applies custom filters in order and leaves its input alone', () => {
    const seen: string[][] = [];
    const notV1: NodeFilter = (input) => input.filter((n) => n.instance.id !== 'v1');
    const record: NodeFilter = (input) => (seen.push(input.map((n) => n.instance.id)), input);
    const kept = applyFilters(nodes, [notV1, record, version('2.0.0-beta')]);
    expect(kept.map((n) => n.instance.id)).toEqual(['v2b']);
    expect(seen).toEqual([['v2', 'v2b']]);
    expect(nodes).toHaveLength(3);
    expect(applyFilters(nodes, [])).toBe(nodes);
  });
});
