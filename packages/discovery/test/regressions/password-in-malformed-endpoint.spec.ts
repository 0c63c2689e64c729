import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { inspect } from 'node:util';
import { watchNodes } from '../../src/index.js';
import { readInstances } from '../../src/instance-nodes.js';
import { FakeDiscovery } from '../support/fake-discovery.js';
import { instance } from '../support/fixtures.js';

// Issue 17 left-over: a malformed endpoint was echoed verbatim in the problem's message and in the
// node set's warning, userinfo included (`http://user:password@…`). It is redacted.

const SECRET = 'hunter2';
const malformed: ServiceInstance = instance('broken', [
  // Not a URL (a space in the host): the "not a URL" message.
  `http://admin:${SECRET}@bad host:8000`,
  // A URL without a host.
  `http://admin:${SECRET}@:8000/x`,
  // A URL of a wanted scheme without a port, the scheme having no default one.
  `kratos://admin:${SECRET}@10.0.0.9`,
  // A token as the user name, in a query parameter too.
  `http://${SECRET}@ bad?token=${SECRET}`,
]);

describe('regression: a malformed endpoint echoes its password', () => {
  it('the problems name the endpoint without its userinfo', () => {
    const { problems } = readInstances([malformed], ['http', 'kratos']);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    for (const problem of problems) {
      expect(problem.message).not.toContain(SECRET);
      expect(problem.message).toContain('***');
    }
  });

  it("the node set's warning does not carry it either", () => {
    const discovery = new FakeDiscovery();
    const logger = recordingLogger();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http', 'kratos'], logger });
    set.nodes();
    discovery.emit('greeter', [instance('a', ['http://10.0.0.1:8000']), malformed]);
    const warnings = logger.records.filter((record) => record.level === 'warn');
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    for (const warning of warnings) {
      expect(inspect(warning, { depth: Infinity })).not.toContain(SECRET);
    }
    set.close();
  });
});
