import { afterEach, describe, expect, it } from '@jest/globals';
import { Fleet } from '../src/fleet/fleet.js';
import { steadyLoad } from '../src/fleet/load.js';
import { measureRollingRestart } from '../src/fleet/rolling-restart.js';

// The fleet promise, end to end: real etcd, real example processes, real signals, both project
// clients on discovery:///greeter. `npm test` builds the example before jest runs.
const fleets: Fleet[] = [];
afterEach(async () => {
  await Promise.all(fleets.splice(0).map((fleet) => fleet.close()));
});

describe('the fleet', () => {
  it('loses no request of either client while every instance is replaced in turn', async () => {
    const report = await measureRollingRestart({
      size: 2,
      drainDelayMs: 500,
      steadyMs: 500,
      tailMs: 300,
      workers: 4,
      pauseMs: 5,
    });
    for (const client of [report.http, report.grpc]) {
      expect(client.failures).toEqual([]);
      expect(client.failed).toBe(0);
      expect(client.restart.calls).toBeGreaterThan(20);
    }
    // Both clients moved to the new instances: 2 old + 2 new answered.
    expect(report.http.instancesSeen).toBe(4);
    expect(report.grpc.instancesSeen).toBe(4);
    const replaced = report.instances.filter((instance) => instance.exitCode !== undefined);
    expect(replaced.map((instance) => instance.exitCode)).toEqual([0, 0]);
    for (const { timeline, clientDropped } of replaced) {
      // Signalled, deregistered, dropped by the client, and only then the listener closed: the drain
      // delay covered the watch's propagation.
      expect(timeline.deregistered).toBeGreaterThanOrEqual(timeline.signalled!);
      expect(clientDropped).toBeGreaterThanOrEqual(timeline.signalled!);
      expect(timeline.listenerClosed).toBeGreaterThan(clientDropped!);
    }
  });

  it('etcd SIGKILLed mid-roll: the replacement started meanwhile registers once etcd is back, and neither client fails a call', async () => {
    const report = await measureRollingRestart({
      size: 2,
      drainDelayMs: 500,
      steadyMs: 300,
      tailMs: 300,
      workers: 4,
      pauseMs: 5,
      // etcd dies (no goodbye to its clients) just before the second replacement starts, which must
      // wait for it: before issue 17 its first registration attempt failed and it exited 1.
      etcdOutage: { beforeInstance: 1, downMs: 2_500, kill: true },
    });
    for (const client of [report.http, report.grpc]) {
      expect(client.failures).toEqual([]);
      expect(client.failed).toBe(0);
    }
    const replaced = report.instances.filter((instance) => instance.exitCode !== undefined);
    expect(replaced.map((instance) => instance.exitCode)).toEqual([0, 0]);
    // Both replacements serve: 2 old + 2 new answered.
    expect(report.http.instancesSeen).toBe(4);
    // The roll took the outage: the second replacement waited for etcd.
    expect(report.replacementMs).toBeGreaterThanOrEqual(2_500);
  });

  it('etcd frozen past the TTL under load: every lease expires at once when it resumes, and neither client fails a call', async () => {
    const fleet = await Fleet.start({ size: 3, env: { ETCD_TTL: '2' } });
    fleets.push(fleet);
    const { clients, epoch } = fleet;
    await Promise.all([clients.http('warm-up'), clients.grpc('warm-up')]);
    await waitUntil(() => clients.httpNodes().length === 3, 5_000);
    const stop = new AbortController();
    const options = { workers: 4, pauseMs: 2, epoch, signal: stop.signal };
    const loads = Promise.all([
      steadyLoad(() => clients.http('frozen'), options),
      steadyLoad(() => clients.grpc('frozen'), options),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    fleet.etcd.freeze();
    // Three times the TTL: when etcd resumes it expires every lease of the fleet at once, the
    // clients' watches see every key deleted, and the registrars must put them back before the
    // node sets' emptyGrace. (A guard: the code before issue 17's registrar fixes passed it too, with
    // 4 and 12 s freezes. The 57 s freeze, run by hand on the fixed code with the default
    // TTL: the callers' list dipped to one node for 28 ms, 0 failed calls; docs/discovery.md.)
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    fleet.etcd.resume();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    stop.abort();
    const [http, grpc] = await loads;
    for (const records of [http, grpc]) {
      const failed = records.filter((record) => !record.ok);
      expect([...new Set(failed.map((record) => record.outcome))]).toEqual([]);
      expect(records.length).toBeGreaterThan(100);
    }
    // Every instance is registered again.
    await waitUntil(() => clients.httpNodes().length === 3, 5_000);
  });

  it('SIGKILL of one instance of three under GET load: no caller sees an error, and the dead node leaves the node set when its lease expires', async () => {
    const fleet = await Fleet.start({ size: 3, env: { ETCD_TTL: '2' } });
    fleets.push(fleet);
    const { clients, epoch } = fleet;
    await clients.http('warm-up');
    await waitUntil(() => clients.httpNodes().length === 3, 5_000);
    const stop = new AbortController();
    const load = steadyLoad(() => clients.http('kill'), {
      workers: 4,
      pauseMs: 2,
      epoch,
      signal: stop.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const victim = fleet.instances[1]!;
    const [victimHttp] = victim.endpoints;
    const killedAt = Date.now();
    await fleet.remove(victim, 'SIGKILL');
    // The lease (2 s) expires; etcd notices within about 0.5 s more; the watch tells the client.
    await waitUntil(() => !clients.httpNodes().includes(victimHttp!), 6_000);
    const droppedAfter = Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop.abort();
    const records = await load;

    expect(records.filter((record) => !record.ok)).toEqual([]);
    const afterKill = records.filter((record) => record.at >= killedAt - epoch);
    expect(afterKill.length).toBeGreaterThan(50);
    expect(clients.httpNodes()).toHaveLength(2);
    expect(droppedAfter).toBeGreaterThanOrEqual(1_000);
  });
});

async function waitUntil(test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms: ${test.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
