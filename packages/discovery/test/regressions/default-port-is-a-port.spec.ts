import { describe, expect, it } from '@jest/globals';
import { nodesOf, parseTarget, staticNodes, watchNodes } from '../../src/index.js';
import { FakeDiscovery } from '../support/fake-discovery.js';
import { instance } from '../support/fixtures.js';

// Issue item 8: WHATWG `URL` drops a scheme's default port (`new URL('http://h:80').port === ''`), and
// nodesOf read an empty port as "no port": a service on :80 or :443 could not be discovered.
describe('regression: a default port is a port', () => {
  it('nodesOf keeps http endpoints on :80 and https endpoints on :443, with the port written out', () => {
    const a = instance('a', ['http://127.0.0.1:80', 'https://127.0.0.1:443', 'HTTP://[::1]:80/']);
    const nodes = nodesOf([a], ['http', 'https']);
    expect(nodes.map((node) => [node.endpoint, node.address, node.scheme])).toEqual([
      ['http://127.0.0.1:80', '127.0.0.1:80', 'http'],
      ['https://127.0.0.1:443', '127.0.0.1:443', 'https'],
      ['http://[::1]:80', '[::1]:80', 'http'],
    ]);
  });

  it('nodesOf reads an http(s) endpoint without a port, as `new URL(…).href` writes one, as the default port', () => {
    const registered = [new URL('http://10.0.0.5:80').href, new URL('https://api.example.com:443/').href];
    expect(registered).toEqual(['http://10.0.0.5/', 'https://api.example.com/']);
    const nodes = nodesOf([instance('a', registered)], ['http', 'https']);
    expect(nodes.map((node) => node.endpoint)).toEqual(['http://10.0.0.5:80', 'https://api.example.com:443']);
  });

  it('the same endpoint written with and without its default port is one node', () => {
    const nodes = nodesOf(
      [instance('a', ['http://10.0.0.5:80']), instance('b', ['http://10.0.0.5/'])],
      ['http'],
    );
    expect(nodes.map((node) => [node.endpoint, node.instance.id])).toEqual([['http://10.0.0.5:80', 'a']]);
  });

  it('a registered instance listening on :80 makes a ready node set, not KRATOS_NO_INSTANCES', async () => {
    const discovery = new FakeDiscovery();
    discovery.emit('greeter', [instance('a', ['http://127.0.0.1:80'])]);
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], emptyGrace: 0 });
    const nodes = await set.ready();
    expect(nodes.map((node) => node.address)).toEqual(['127.0.0.1:80']);
    set.close();
  });

  it("a static target on :80 yields the node a client's static node set needs", () => {
    const target = parseTarget('http://127.0.0.1:80');
    expect(target).toMatchObject({ kind: 'static', port: 80, address: '127.0.0.1:80' });
    // What createHttpClient does with a static target: one made-up instance, its nodes, a static set.
    const nodes = nodesOf([instance('static', ['http://127.0.0.1:80'])], ['http']);
    expect(
      staticNodes('127.0.0.1:80', nodes)
        .nodes()
        .map((node) => node.endpoint),
    ).toEqual(['http://127.0.0.1:80']);
  });

  it.each([
    ['http://127.0.0.1', 'http', '127.0.0.1', 80],
    ['https://api.example.com', 'https', 'api.example.com', 443],
    ['https://api.example.com/', 'https', 'api.example.com', 443],
    ['http://[::1]', 'http', '[::1]', 80],
  ])(
    'parseTarget reads %s, without a port, as the default port of its scheme',
    (input, scheme, host, port) => {
      expect(parseTarget(input)).toEqual({ kind: 'static', scheme, host, port, address: `${host}:${port}` });
    },
  );
});
