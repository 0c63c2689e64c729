import { afterEach, describe, expect, it } from '@jest/globals';
import { Client, connectivityState, credentials, status, type ChannelOptions } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerDiscoveryResolver } from '../../src/index.js';
import { GreeterFleet, greeterAt, hello, type GreeterStub } from './support/greeter-fleet.js';

const EMPTY_GRACE = 200;

let fleet: GreeterFleet;
let schemes = 0;
const clients: Client[] = [];

/** A fleet with its own scheme (grpc-js's resolver table is per process) and a client of it. */
function setup(channelOptions: ChannelOptions = {}): { client: GreeterStub; scheme: string } {
  fleet = new GreeterFleet();
  const scheme = `discovery-int${++schemes}`;
  registerDiscoveryResolver(fleet.discovery, { scheme, emptyGrace: EMPTY_GRACE });
  const client = greeterAt(`${scheme}:///greeter`, channelOptions);
  clients.push(client);
  return { client, scheme };
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await fleet?.stopAll();
});

describe('discovery:///greeter over real servers', () => {
  it('spreads the calls over every instance (round_robin)', async () => {
    const { client } = setup();
    await Promise.all(['a', 'b', 'c'].map((id) => fleet.start(id)));

    const served = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const { reply, error } = await hello(client, { name: `#${i}` });
      expect(error).toBeUndefined();
      served.set(reply!.appId, (served.get(reply!.appId) ?? 0) + 1);
    }

    expect([...served.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const count of served.values()) expect(count).toBeGreaterThanOrEqual(10);
    // Closing the channel destroys its resolver, which ends the watch.
    expect(fleet.discovery.active).toBe(1);
    client.close();
    expect(fleet.discovery.active).toBe(0);
  });

  it("lets the channel's own grpc.service_config apply (pick_first: one instance)", async () => {
    const { client } = setup({
      'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ pick_first: {} }] }),
    });
    await Promise.all(['a', 'b', 'c'].map((id) => fleet.start(id)));

    const served = new Set<string>();
    for (let i = 0; i < 20; i++) served.add((await hello(client, { name: `#${i}` })).reply!.appId);

    expect(served.size).toBe(1);
  });

  it('makes the first calls wait for the first instance instead of failing them', async () => {
    const { client } = setup();

    const first = hello(client, { name: 'early' }, 5_000);
    await sleep(100);
    await fleet.start('late');

    const { reply, error } = await first;
    expect(error).toBeUndefined();
    expect(reply?.appId).toBe('late');
  });

  it('survives a rolling replacement under load with no error: in-flight calls finish, new ones move', async () => {
    const { client } = setup();
    const a = await fleet.start('a');
    const b = await fleet.start('b');
    let running = true;
    let ok = 0;
    const errors: unknown[] = [];
    const served = new Map<string, number>();
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; running; i++) {
        const { reply, error } = await hello(client, { name: `${w}/${i}`, delayMs: 30 });
        if (error) errors.push(error);
        else {
          ok += 1;
          served.set(reply!.appId, (served.get(reply!.appId) ?? 0) + 1);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    await until(() => ok >= 20);

    const inFlightAtStop: number[] = [];
    await fleet.start('c');
    await until(() => (served.get('c') ?? 0) > 0);
    // Stop it while calls are in flight on it (on a loaded machine the balancer may have sent the
    // last few calls elsewhere): nothing runs between this check and the stop but microtasks.
    await until(() => a.greeter.inFlight > 0, 10_000);
    const stopA = fleet.replace(a);
    inFlightAtStop.push(a.greeter.inFlight);
    await stopA;
    await fleet.start('d');
    await until(() => (served.get('d') ?? 0) > 0);
    await until(() => b.greeter.inFlight > 0, 10_000);
    const stopB = fleet.replace(b);
    inFlightAtStop.push(b.greeter.inFlight);
    await stopB;
    const afterwards = ok;
    await until(() => ok >= afterwards + 20);
    running = false;
    await load;

    expect(errors).toEqual([]);
    // Calls were in flight on each old instance when it was told to stop, and finished there.
    expect(inFlightAtStop.every((count) => count > 0)).toBe(true);
    expect(a.greeter.inFlight + b.greeter.inFlight).toBe(0);
    expect(served.get('c')! + served.get('d')!).toBeGreaterThan(0);
  });

  it('fails calls fast with UNAVAILABLE "no instances of greeter" once every instance left for emptyGrace, then heals', async () => {
    const { client } = setup();
    const a = await fleet.start('a');
    expect((await hello(client, { name: 'before' })).reply?.appId).toBe('a');

    // The server keeps running: a stale address list would still reach it.
    await fleet.deregister(a);
    await sleep(EMPTY_GRACE + 100);
    const started = performance.now();
    const { error } = await hello(client, { name: 'none' }, 5_000);
    const took = performance.now() - started;

    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(error?.details).toBe('no instances of greeter');
    expect(took).toBeLessThan(500);

    await fleet.register(a);
    await until(() => client.getChannel().getConnectivityState(true) === connectivityState.READY);
    expect((await hello(client, { name: 'after' })).reply?.appId).toBe('a');
  });

  it("fails calls the same way when the channel's own config picked pick_first (which would keep its connection)", async () => {
    const { client } = setup({
      'grpc.service_config': JSON.stringify({
        loadBalancingConfig: [{ pick_first: {} }],
        methodConfig: [{ name: [{}], timeout: '4s' }],
      }),
    });
    const a = await fleet.start('a');
    expect((await hello(client, { name: 'before' })).reply?.appId).toBe('a');

    await fleet.deregister(a);
    await sleep(EMPTY_GRACE + 100);
    const { error } = await hello(client, { name: 'none' });

    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(error?.details).toBe('no instances of greeter');

    await fleet.register(a);
    await until(() => client.getChannel().getConnectivityState(true) === connectivityState.READY);
    expect((await hello(client, { name: 'after' })).reply?.appId).toBe('a');
  });

  it('stops watching when the channel goes idle, and watches again on the next call', async () => {
    // 1000 ms is grpc-js's minimum idle timeout.
    const { client } = setup({ 'grpc.client_idle_timeout_ms': 1_000 });
    await fleet.start('a');
    expect((await hello(client, { name: 'first' })).reply?.appId).toBe('a');
    expect(fleet.discovery.active).toBe(1);

    await until(() => fleet.discovery.active === 0, 4_000);
    expect(client.getChannel().getConnectivityState(false)).toBe(connectivityState.IDLE);

    await fleet.start('b');
    const replies = new Set<string>();
    for (let i = 0; i < 10; i++) replies.add((await hello(client, { name: `again ${i}` })).reply!.appId);
    expect(fleet.discovery.active).toBe(1);
    expect(fleet.discovery.opened).toBe(2);
    expect(replies).toEqual(new Set(['a', 'b']));
  });

  it.each([
    ['discovery://ns/greeter', 'it has an authority ("ns")'],
    ['discovery:///', 'it names no service'],
  ])('fails the calls of %s with UNAVAILABLE naming the target', async (written, why) => {
    const { scheme } = setup();
    await fleet.start('a');
    const target = written.replace('discovery', scheme);
    const client = new Client(target, credentials.createInsecure());
    clients.push(client);

    const started = performance.now();
    const error = await new Promise<{ code?: number; details?: string } | null>((resolve) =>
      client.makeUnaryRequest(
        '/greeter.v1.Greeter/SayHello',
        (value: Buffer) => value,
        (value: Buffer) => value,
        Buffer.alloc(0),
        { deadline: Date.now() + 5_000 },
        (err) => resolve(err),
      ),
    );

    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(error?.details).toContain(`Invalid target "${target}": ${why}`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
