import { describe, expect, it } from '@jest/globals';
import type { ServiceInstance } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { OutageReport } from '../../src/outage-report.js';
import { watchService } from '../../src/watch/watch-service.js';

// Defect: a watch cut from etcd was logged at debug only (docs/discovery.md promises warnings): a
// frozen etcd produced no client log line in 57 s while the node list was stale. Now an outage
// over `outageWarnAfter` warns once, naming the etcd hosts and the service, and its end is logged
// once. Virtual time: the 5 s threshold runs in microseconds.

const hosts = 'http://10.0.0.1:2379, http://10.0.0.2:2379';
const list: ServiceInstance[] = [{ id: '1', name: 'greeter', version: '1', metadata: {}, endpoints: [] }];
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A watch that emits its list, then reports what `script` does to its connection, at virtual times. */
function scriptedWatch(
  scheduler: TestScheduler,
  script: readonly (readonly [at: number, event: 'down' | 'up'])[],
): (outage: OutageReport) => Observable<ServiceInstance[]> {
  return (outage) =>
    new Observable<ServiceInstance[]>((subscriber) => {
      subscriber.next(list);
      for (const [at, event] of script) {
        scheduler.schedule(() => {
          if (event === 'down') outage.down(new Error('14 UNAVAILABLE: Connection dropped'));
          else outage.up();
        }, at);
      }
    });
}

describe('an etcd watch cut for longer than outageWarnAfter', () => {
  it('warns once naming the hosts and the service, and logs its recovery once', () => {
    const scheduler = newScheduler();
    scheduler.run(({ flush }) => {
      const logger = recordingLogger(() => scheduler.now());
      // Cut at 10 ms, etcd3 fails to reconnect again at 2 s and 4 s, back at 9 s.
      const open = scriptedWatch(scheduler, [
        [10, 'down'],
        [2_000, 'down'],
        [4_000, 'down'],
        [9_000, 'up'],
      ]);
      const subscription = watchService(open, {
        name: 'greeter',
        logger,
        scheduler,
        hosts,
        warnAfter: 5_000,
      }).subscribe();
      flush();
      subscription.unsubscribe();
      expect(logger.records.filter((r) => r.level !== 'debug').map((r) => [r.at, r.level, r.msg])).toEqual([
        [
          5_010,
          'warn',
          `The etcd watch of service "greeter" has been cut from etcd (${hosts}) for 5000 ms (14 UNAVAILABLE: Connection dropped): its instance list may be stale until etcd answers. Check that etcd is up and reachable from this process.`,
        ],
        [9_000, 'info', `The etcd watch of service "greeter" is back on etcd (${hosts}) after 8990 ms cut`],
      ]);
    });
  });

  it('logs nothing for a cut shorter than outageWarnAfter', () => {
    const scheduler = newScheduler();
    scheduler.run(({ flush }) => {
      const logger = recordingLogger(() => scheduler.now());
      const open = scriptedWatch(scheduler, [
        [10, 'down'],
        [4_000, 'up'],
      ]);
      watchService(open, { name: 'greeter', logger, scheduler, hosts, warnAfter: 5_000 }).subscribe();
      flush();
      expect(logger.messages('warn')).toEqual([]);
      expect(logger.messages('info')).toEqual([]);
    });
  });

  it('warns once per outage: a second outage warns again', () => {
    const scheduler = newScheduler();
    scheduler.run(({ flush }) => {
      const logger = recordingLogger(() => scheduler.now());
      const open = scriptedWatch(scheduler, [
        [0, 'down'],
        [6_000, 'up'],
        [7_000, 'down'],
        [20_000, 'up'],
      ]);
      watchService(open, { name: 'greeter', logger, scheduler, hosts, warnAfter: 5_000 }).subscribe();
      flush();
      expect(logger.records.filter((r) => r.level === 'warn').map((r) => r.at)).toEqual([5_000, 12_000]);
      expect(logger.records.filter((r) => r.level === 'info').map((r) => r.at)).toEqual([6_000, 20_000]);
    });
  });

  it('stops the pending warning on unsubscribe', () => {
    const scheduler = newScheduler();
    scheduler.run(({ flush }) => {
      const logger = recordingLogger(() => scheduler.now());
      const open = scriptedWatch(scheduler, [[10, 'down']]);
      const subscription = watchService(open, {
        name: 'greeter',
        logger,
        scheduler,
        hosts,
        warnAfter: 5_000,
      }).subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 1_000);
      flush();
      expect(logger.messages('warn')).toEqual([]);
    });
  });

  it('counts a watch whose re-read keeps failing as one outage, not one warning per attempt', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, flush }) => {
      const logger = recordingLogger(() => scheduler.now());
      // The watch breaks at 1 ms; each re-read fails; the backoff caps at 400 ms.
      const broken = cold<ServiceInstance[]>('a#', { a: list }, new Error('ECONNREFUSED'));
      const failing = cold<ServiceInstance[]>('#', {}, new Error('ECONNREFUSED'));
      let opened = 0;
      const subscription = watchService(() => (opened++ === 0 ? broken : failing), {
        name: 'greeter',
        logger,
        scheduler,
        hosts,
        warnAfter: 5_000,
        backoff: { initial: 100, max: 400, jitter: 0 },
      }).subscribe();
      // The retries never stop: end them, or flush() would run forever.
      scheduler.schedule(() => subscription.unsubscribe(), 10_000);
      flush();
      expect(logger.messages('warn')).toEqual([
        'The watch of service "greeter" broke (ECONNREFUSED); re-establishing it: attempt 1 in 0 ms',
        `The etcd watch of service "greeter" has been cut from etcd (${hosts}) for 5000 ms (ECONNREFUSED): its instance list may be stale until etcd answers. Check that etcd is up and reachable from this process.`,
      ]);
    });
  });
});
