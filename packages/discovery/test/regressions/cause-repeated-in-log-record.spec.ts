import { describe, expect, it } from '@jest/globals';
import { KratosError } from '@kratos-ts/core';
import { recordingLogger, type LogRecord } from '@kratos-ts/testing';
import { inspect } from 'node:util';
import { VirtualTimeScheduler } from 'rxjs';
import { watchNodes } from '../../src/index.js';
import { FakeDiscovery } from '../support/fake-discovery.js';
import { instance } from '../support/fixtures.js';

// Issue 14 item 11: a log record said its cause three times: in its message, in the message of the
// error it carried (a registry's error, whose message already names its cause) and in that error's
// cause, each with its stack. A record says its cause once.

const ROOT = '14 UNAVAILABLE: No connection established';

/** How often `text` appears in `record` as Node prints it (util.inspect: stacks and causes included). */
function occurrences(record: LogRecord, text: string): number {
  return inspect({ msg: record.msg, ...record.fields }, { depth: Infinity }).split(text).length - 1;
}

describe('regression: the cause repeated in one log record', () => {
  it('a failed watch of a registry says its cause once', () => {
    const discovery = new FakeDiscovery();
    const logger = recordingLogger();
    const set = watchNodes(discovery, 'greeter', {
      schemes: ['http'],
      logger,
      scheduler: new VirtualTimeScheduler(),
    });
    set.nodes();
    discovery.fail(
      'greeter',
      new KratosError(
        'KRATOS_REGISTRY_READ_FAILED',
        `Could not read the instances under "/microservices/greeter" from etcd 127.0.0.1:2379 (${ROOT}). Check that etcd is reachable.`,
        { cause: new Error(ROOT) },
      ),
    );
    const records = logger.records.filter((record) => record.msg.includes('the watch failed'));
    expect(records).toHaveLength(1);
    expect(occurrences(records[0]!, ROOT)).toBe(1);
    set.close();
  });

  it('a filter that throws is logged with its error once, stack included', () => {
    const discovery = new FakeDiscovery();
    const logger = recordingLogger();
    const set = watchNodes(discovery, 'greeter', {
      schemes: ['http'],
      logger,
      filters: [
        () => {
          throw new Error('filter bug: version is undefined');
        },
      ],
    });
    set.nodes();
    discovery.emit('greeter', [instance('a', ['http://10.0.0.1:8000'])]);
    const records = logger.records.filter((record) => record.msg.includes('a filter threw'));
    expect(records).toHaveLength(1);
    expect(occurrences(records[0]!, 'filter bug: version is undefined')).toBe(1);
    // The stack of the user's filter is what they need to fix it: it stays.
    expect(inspect(records[0]!.fields, { depth: Infinity })).toContain('cause-repeated-in-log-record.spec');
    set.close();
  });
});
