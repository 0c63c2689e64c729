import { describe, expect, it } from '@jest/globals';
import { Container } from 'inversify';
import { FakeServer, fakeHook, fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import { Server, createKratosModule, type KratosOptions } from '../../src/index.js';

// Rule 11, per server: each server keeps serving for its own drainDelay (@Server({ drainDelay }),
// else its drainDelay property, else the app's) after deregistration, then is stopped. A consumer
// (0) stops at once while HTTP/gRPC servers wait out the delay.

const options: KratosOptions = { name: 'svc', drainDelay: 1_000 };

function threeServers(extra: KratosOptions = {}) {
  const consumer = fakeServer({ name: 'consumer', drainDelay: 0 });
  const grpc = fakeServer({ name: 'grpc' });
  const http = fakeServer({ name: 'http' });
  const vk = virtualKernel({
    options: { ...options, ...extra },
    servers: [consumer, { server: grpc, drainDelay: 300 }, http],
    registrars: [recordingRegistrar({ name: 'etcd', deregister: 50 })],
    hooks: [fakeHook('afterStop', 'close')],
  });
  return { consumer, grpc, http, vk };
}

@Server({ name: 'decorated-consumer', drainDelay: 0 })
class DecoratedConsumer extends FakeServer {}

describe('rule 11: each server drains for its own drainDelay', () => {
  it('delays 0 and 300 against an app drainDelay of 1000: each server stops once deregistration is done and its delay passed', async () => {
    const { consumer, grpc, http, vk } = threeServers();
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(true);
    expect(vk.timeOf('etcd deregister resolved')).toBe(150);
    expect(consumer.stops).toEqual([150]);
    expect(grpc.stops).toEqual([450]);
    expect(http.stops).toEqual([1_150]);
    // The drain is the longest delay; it ends as the last servers are told to stop.
    const drains = vk.events.filter((e) => e.event.type === 'drain');
    expect(drains).toEqual([{ at: 1_150, event: { type: 'drain', durationMs: 1_000 } }]);
    expect(vk.timeline.indexOf('1150 http stop')).toBeGreaterThan(-1);
    // afterStop hooks still wait for every server.
    expect(vk.timeOf('close live')).toBe(1_150);
    expect(vk.timeline.indexOf('1150 close live')).toBeGreaterThan(
      vk.timeline.indexOf('1150 http stop resolved'),
    );
  });

  it('a consumer stopped at once is not kept from stopping by the others, which keep serving', async () => {
    const { consumer, http, vk } = threeServers();
    const servingAt600: boolean[] = [];
    // Read during the run, asserted after it: a failed assertion never leaves a kernel running.
    await vk.run(() => {
      vk.signalAt(100);
      vk.at(600, () => servingAt600.push(consumer.serving, http.serving));
    });
    expect(servingAt600).toEqual([false, true]);
    expect(http.stops).toEqual([1_150]);
  });

  it('the same delay everywhere: every server stops at once, as before', async () => {
    const a = fakeServer({ name: 'a' });
    const b = fakeServer({ name: 'b', drainDelay: 1_000 });
    const vk = virtualKernel({ options, servers: [a, { server: b }] });
    await vk.run(() => vk.signalAt(100));
    expect(a.stops).toEqual([1_100]);
    expect(b.stops).toEqual([1_100]);
  });

  it('every delay 0: no drain event', async () => {
    const a = fakeServer({ name: 'a', drainDelay: 0 });
    const vk = virtualKernel({ options: { name: 'svc' }, servers: [a] });
    await vk.run(() => vk.signalAt(100));
    expect(a.stops).toEqual([100]);
    expect(vk.events.some((e) => e.event.type === 'drain')).toBe(false);
  });

  it("@Server({ drainDelay }) wins over the server's own drainDelay property, which wins over the app's", async () => {
    const overridden = fakeServer({ name: 'overridden', drainDelay: 0 });
    const own = fakeServer({ name: 'own', drainDelay: 200 });
    const vk = virtualKernel({ options, servers: [{ server: overridden, drainDelay: 500 }, own] });
    await vk.run(() => vk.signalAt(100));
    expect(overridden.stops).toEqual([600]);
    expect(own.stops).toEqual([300]);
  });

  it('@Server({ drainDelay: 0 }) on a class run by kratosModule is read from the decorator', async () => {
    const container = new Container();
    container.load(createKratosModule({ ...options, servers: [DecoratedConsumer] }));
    const vk = virtualKernel({ container });
    await vk.run(() => vk.signalAt(100));
    const server = container.get(DecoratedConsumer);
    expect(server.stops).toEqual([100]);
  });

  it('a second SIGTERM during the drain exits at once (143); a stop() there is the same stop and changes no delay', async () => {
    const forced = threeServers();
    await forced.vk.run((vk) => {
      vk.signalAt(100);
      vk.signalAt(700);
    });
    expect(forced.vk.exits).toEqual([143]);
    expect(forced.consumer.stops).toEqual([150]);

    const patient = threeServers({ forceExitOnSecondSignal: false });
    await patient.vk.run((vk) => {
      vk.signalAt(100);
      vk.signalAt(200);
      vk.stopAt(700);
    });
    expect(patient.vk.exits).toEqual([]);
    expect(patient.consumer.stops).toEqual([150]);
    expect(patient.grpc.stops).toEqual([450]);
    expect(patient.http.stops).toEqual([1_150]);
  });

  it("stopTimeout counts from each server's own stop, not from the first stop of the phase", async () => {
    const hanging = { hangs: true, onAbort: 'resolve' } as const;
    const consumer = fakeServer({ name: 'consumer', drainDelay: 0, stop: hanging });
    const http = fakeServer({ name: 'http', stop: hanging });
    const vk = virtualKernel({
      options: { ...options, stopTimeout: 2_000 },
      servers: [consumer, http],
    });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(true);
    expect(consumer.stops).toEqual([100]);
    expect(http.stops).toEqual([1_100]);
    expect(vk.timeOf('consumer stop aborted')).toBe(2_100);
    expect(vk.timeOf('http stop aborted')).toBe(3_100);
    expect(consumer.stopSignal).not.toBe(http.stopSignal);
  });

  it('no delay for a start that never served nor registered (the rollback)', async () => {
    const slow = fakeServer({ name: 'slow', drainDelay: 300 });
    const broken = fakeServer({ name: 'broken', start: { ms: 10, fails: new Error('EADDRINUSE') } });
    const vk = virtualKernel({ options, servers: [slow, broken] });
    const result = await vk.run();
    expect(result.ok).toBe(false);
    expect(slow.stops).toEqual([10]);
  });

  it('a drainDelay that is not a finite number of ms >= 0 fails the start with KRATOS_INVALID_OPTIONS naming the server', async () => {
    const vk = virtualKernel({
      options,
      servers: [
        { server: fakeServer({ name: 'a' }), drainDelay: -1 },
        { server: fakeServer({ name: 'b' }), drainDelay: Number.NaN },
        fakeServer({ name: 'c', drainDelay: Infinity }),
        { name: 'd', start: () => undefined, stop: () => undefined, drainDelay: '5' as unknown as number },
      ],
    });
    const result = await vk.run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_INVALID_OPTIONS');
    expect(result.error.message).toContain(
      'server "a" drainDelay must be a finite number of milliseconds >= 0, got -1',
    );
    expect(result.error.message).toContain('server "b" drainDelay must be');
    expect(result.error.message).toContain('server "c" drainDelay property must be');
    expect(result.error.message).toContain('server "d" drainDelay property must be');
  });
});
