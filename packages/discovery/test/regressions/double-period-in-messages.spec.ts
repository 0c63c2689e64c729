import { describe, expect, it } from '@jest/globals';
import { isKratosError, KratosError, type ServiceDiscovery, type ServiceInstance } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { VirtualTimeScheduler } from 'rxjs';
import { p2c, parseTarget, random, watchNodes, wrr } from '../../src/index.js';
import { readInstances } from '../../src/instance-nodes.js';
import { closedError, gaveUpError, noInstancesError } from '../../src/node-set-errors.js';
import { FakeDiscovery } from '../support/fake-discovery.js';
import { instance } from '../support/fixtures.js';

// Issue 14 item 11: messages ended a sentence twice (`..`) when they quoted a text that ends with a
// period. This sweeps the failure messages and warnings discovery can produce, built around
// inputs and causes that end with a period.

function thrown(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (isKratosError(error)) return error.message;
    throw error;
  }
  throw new Error('it did not throw');
}

describe('regression: ".." in discovery messages', () => {
  it('no error of a target, an option, a selector or an empty node set ends a sentence twice', () => {
    const messages: string[] = [];
    for (const target of [
      'greeter.',
      'discovery:///a b.',
      'discovery://auth/x.',
      'ftp://h:1.',
      'h:99999.',
      '',
    ]) {
      messages.push(thrown(() => parseTarget(target)));
    }
    messages.push(thrown(() => parseTarget(42 as unknown as string)));
    const discovery = new FakeDiscovery();
    for (const options of [
      { schemes: [] },
      { schemes: ['http.'], emptyGrace: -1, filters: [1], logger: {}, scheduler: {}, extra: '.' },
      null,
    ]) {
      messages.push(thrown(() => watchNodes(discovery, 'greeter', options as never)));
    }
    messages.push(thrown(() => watchNodes({} as ServiceDiscovery, '', { schemes: ['http'] })));
    for (const selector of [p2c(), wrr(), random()]) messages.push(thrown(() => selector.pick([])));
    const summaries = [
      undefined,
      { instances: 0, matching: 0, nodes: 0 },
      { instances: 2, matching: 0, nodes: 0 },
      { instances: 2, matching: 2, nodes: 0 },
    ];
    for (const last of summaries) {
      messages.push(noInstancesError('greeter', ['http'], last, 5000).message);
      messages.push(gaveUpError('greeter', ['http'], last, new Error('aborted.')).message);
    }
    messages.push(closedError('greeter').message);
    expect(messages.length).toBeGreaterThan(15);
    for (const message of messages) expect(message).not.toContain('..');
  });

  it('no warning of a node set about a list or a watch ends a sentence twice', () => {
    const discovery = new FakeDiscovery();
    const logger = recordingLogger();
    const set = watchNodes(discovery, 'greeter', {
      schemes: ['http', 'kratos'],
      logger,
      emptyGrace: 10,
      scheduler: new VirtualTimeScheduler(),
    });
    set.nodes();
    const malformed = [
      instance('a.', ['http://bad host.', 'kratos://10.0.0.1', 'http://:80', 7 as unknown as string], {
        metadata: { weight: 'heavy.' },
      }),
      { ...instance('b.', []), endpoints: 'http://x.' } as unknown as ServiceInstance,
      null as unknown as ServiceInstance,
    ];
    discovery.emit('greeter', malformed);
    discovery.fail('greeter', new KratosError('KRATOS_X', 'etcd is unreachable. Check it.'));
    const { problems } = readInstances(malformed, ['http', 'kratos']);
    const messages = [...logger.records.map((record) => record.msg), ...problems.map((p) => p.message)];
    expect(messages.length).toBeGreaterThan(5);
    expect(messages.some((message) => message.includes('the watch failed'))).toBe(true);
    for (const message of messages) expect(message).not.toContain('..');
    set.close();
  });
});
