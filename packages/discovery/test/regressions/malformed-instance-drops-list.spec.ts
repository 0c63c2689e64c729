import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { nodesOf, watchNodes } from '../../src/index.js';
import { FakeDiscovery } from '../support/fake-discovery.js';
import { instance } from '../support/fixtures.js';

const a = instance('a', ['http://10.0.0.1:8000']);
const b = instance('b', ['http://10.0.0.2:8000']);
const c = instance('c', ['http://10.0.0.3:8000']);
// What a registry holding a hand-written or corrupt record hands over.
const noEndpoints = { ...instance('broken', []), endpoints: undefined } as unknown as ServiceInstance;
const nullElement = null as unknown as ServiceInstance;

const endpointsOf = (nodes: readonly { endpoint: string }[]): string[] => nodes.map((n) => n.endpoint);

// Issue item 10: one malformed instance in a ServiceDiscovery list (`endpoints: undefined`, a `null`
// element) made the node set drop the whole list, keep stale nodes, and warn "a filter threw".
describe('regression: a malformed instance drops the whole list', () => {
  it('nodesOf skips malformed instances and keeps the nodes of the others', () => {
    expect(endpointsOf(nodesOf([a, noEndpoints, nullElement, b], ['http']))).toEqual([
      'http://10.0.0.1:8000',
      'http://10.0.0.2:8000',
    ]);
  });

  it('the node set uses the rest of the list, not the stale nodes', () => {
    const discovery = new FakeDiscovery();
    const logger = recordingLogger();
    discovery.emit('greeter', [a]);
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], logger });
    expect(endpointsOf(set.nodes())).toEqual(['http://10.0.0.1:8000']);

    discovery.emit('greeter', [b, noEndpoints, nullElement, c]);
    expect(endpointsOf(set.nodes())).toEqual(['http://10.0.0.2:8000', 'http://10.0.0.3:8000']);
    expect(logger.messages('warn').some((m) => m.includes('a filter threw'))).toBe(false);
    set.close();
  });

  it('warns once per malformed instance, naming it, however many lists repeat it', () => {
    const discovery = new FakeDiscovery();
    const logger = recordingLogger();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], logger });
    set.nodes();
    discovery.emit('greeter', [a, noEndpoints, nullElement]);
    discovery.emit('greeter', [a, noEndpoints, nullElement, b]);
    discovery.emit('greeter', [noEndpoints, b, nullElement]);
    const warnings = logger.messages('warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('discovery "greeter"');
    expect(warnings[0]).toContain('instance "broken"');
    expect(warnings[0]).toContain('endpoints');
    expect(warnings[1]).toContain('null');
    for (const warning of warnings) expect(warning).toContain('skipped');
    expect(endpointsOf(set.nodes())).toEqual(['http://10.0.0.2:8000']);
    set.close();
  });

  it('a list of malformed instances only is an empty list, with the usual grace', () => {
    const discovery = new FakeDiscovery();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], emptyGrace: 0 });
    discovery.emit('greeter', [a]);
    expect(set.state.kind).toBe('ready');
    discovery.emit('greeter', [noEndpoints, nullElement]);
    expect(set.state.kind).toBe('empty');
    set.close();
  });
});
