import { describe, expect, it } from '@jest/globals';
import { recordingLogger } from '@kratos-ts/testing';
import { EventEmitter } from 'node:events';
import { TestScheduler } from 'rxjs/testing';
import { reportKeepaliveStall } from '../../src/registration/keepalive-stall.js';

// Defect: a lease keepalive that etcd stopped answering was not reported: the first sign was the
// lease lost, after the TTL, when the key was already gone. Now it warns before the TTL runs out.
// Virtual time: an etcd3 Lease stand-in emits keepaliveSucceeded at chosen virtual times.

const hosts = 'http://10.0.0.1:2379';
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

function run(ttl: number, warnAfter: number, answers: readonly number[]): [number, string, string][] {
  const scheduler = newScheduler();
  let lines: [number, string, string][] = [];
  scheduler.run(({ flush }) => {
    const logger = recordingLogger(() => scheduler.now());
    const lease = new EventEmitter();
    const stop = reportKeepaliveStall(lease, {
      key: '/microservices/greeter/1',
      leaseId: '42',
      hosts,
      ttl,
      warnAfter,
      scheduler,
      logger,
    });
    for (const at of answers) scheduler.schedule(() => lease.emit('keepaliveSucceeded'), at);
    // Stop listening just after the last answer, as the lease's teardown would.
    scheduler.schedule(stop, Math.max(...answers) + 1);
    flush();
    lines = logger.records.map((r) => [r.at, r.level, r.msg]);
  });
  return lines;
}

describe('a lease keepalive that etcd stops answering', () => {
  it('warns once, naming the hosts, the key and the lease, before the TTL runs out, and logs the recovery', () => {
    // ttl 15 s, a keepalive every 5 s: answered until 10 s, then none until 30 s. The answer due
    // at 15 s is 5 s late at 20 s.
    const lines = run(15, 5_000, [5_000, 10_000, 30_000, 35_000]);
    expect(lines).toEqual([
      [
        20_000,
        'warn',
        `etcd (${hosts}) has not answered the keepalive of the lease of "/microservices/greeter/1" (lease 42) for 10000 ms: etcd expires the lease, and deletes the key, 15 s after its last answer; it is re-registered once etcd answers. Check that etcd is up and reachable from this process.`,
      ],
      [
        30_000,
        'info',
        `etcd (${hosts}) answers the keepalive of the lease of "/microservices/greeter/1" again, after 20000 ms`,
      ],
    ]);
    // Before the lease expires: 10 s (last answer) + 15 s.
    expect(lines[0]![0]).toBeLessThan(10_000 + 15_000);
  });

  it('warns at 2/3 of the TTL after the last answer when outageWarnAfter would come too late', () => {
    // ttl 4 s: the lease expires 4000 ms after the last answer (2666 ms); the warning comes 2667 ms after it.
    const lines = run(4, 5_000, [1_333, 2_666, 9_000]);
    expect(lines.map(([at, level]) => [at, level])).toEqual([
      [2_666 + 2_667, 'warn'],
      [9_000, 'info'],
    ]);
  });

  it('says nothing while etcd answers every keepalive', () => {
    const answers = Array.from({ length: 11 }, (_, index) => (index + 1) * 5_000);
    expect(run(15, 5_000, answers)).toEqual([]);
  });
});
