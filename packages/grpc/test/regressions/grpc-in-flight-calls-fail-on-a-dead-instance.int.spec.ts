import { afterEach, describe, expect, it } from '@jest/globals';
import { status, type Client, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { registerDiscoveryResolver, type DiscoveryResolverOptions } from '../../src/index.js';
import type { HelloReply, HelloRequest } from '../support/greeter.js';
import {
  CountingGreeter,
  GreeterFleet,
  greeterAt,
  hello,
  type GreeterStub,
} from '../discovery/support/greeter-fleet.js';

// Issue 17: during a rolling restart, gRPC calls in flight on an instance that was SIGKILLed failed
// UNAVAILABLE (3 of 25 352) while HTTP retried every one. Idempotent methods can now opt into
// grpc-js's retry policy on UNAVAILABLE through registerDiscoveryResolver({ retry }).

/**
 * A Greeter that serves the warm-up calls, then either answers UNAVAILABLE (an instance going away)
 * or never answers (its calls stay in flight until the server dies).
 */
class SickGreeter extends CountingGreeter {
  sick = 0;
  constructor(
    id: string,
    readonly symptom: 'unavailable' | 'hangs',
  ) {
    super(id);
  }
  override sayHello(
    call: ServerUnaryCall<HelloRequest, HelloReply>,
    callback: sendUnaryData<HelloReply>,
  ): void {
    if (call.request.name.startsWith('warm')) return super.sayHello(call, callback);
    this.sick += 1;
    if (this.symptom === 'unavailable') callback({ code: status.UNAVAILABLE, details: 'shutting down' });
  }
}

/** The greeter of fixtures/hanging-greeter-server.mjs in a child process: a real process to SIGKILL. */
function hangingServer(): { child: ChildProcess; port: Promise<number>; received: string[] } {
  const path = fileURLToPath(new URL('../fixtures/hanging-greeter-server.mjs', import.meta.url));
  const child = spawn(process.execPath, [path], { env: { ...process.env, NODE_OPTIONS: '' } });
  children.push(child);
  const received: string[] = [];
  const port = new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the fixture exited (${code}) before listening`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { port?: number; received?: string };
      if (message.port !== undefined) resolve(message.port);
      if (message.received !== undefined) received.push(message.received);
    });
  });
  return { child, port, received };
}

const children: ChildProcess[] = [];
const RETRY: DiscoveryResolverOptions['retry'] = {
  methods: [{ service: 'greeter.v1.Greeter', method: 'SayHello' }],
  maxAttempts: 3,
  initialBackoff: 10,
  maxBackoff: 50,
};

let fleet: GreeterFleet;
let schemes = 0;
const clients: Client[] = [];

function client(options: DiscoveryResolverOptions): GreeterStub {
  const scheme = `discovery-retry${++schemes}`;
  registerDiscoveryResolver(fleet.discovery, { scheme, ...options });
  const stub = greeterAt(`${scheme}:///greeter`);
  clients.push(stub);
  return stub;
}

/** Calls until both instances served one (round_robin alternates once both are READY). */
async function warmUp(stub: GreeterStub): Promise<void> {
  const seen = new Set<string>();
  for (let i = 0; i < 100 && seen.size < 2; i++) {
    const { reply } = await hello(stub, { name: `warm ${i}` });
    if (reply) seen.add(reply.appId);
  }
  expect(seen.size).toBe(2);
}

/**
 * Two instances, "healthy" in process and "doomed" in a child process; 6 calls at once, then
 * "doomed" is SIGKILLed with its share of them in flight, still registered (no deregistration).
 */
async function killMidCall(options: DiscoveryResolverOptions): Promise<{
  outcomes: Awaited<ReturnType<typeof hello>>[];
  lost: number;
  servedAfter: number;
}> {
  fleet = new GreeterFleet();
  const stub = client(options);
  const healthy = await fleet.start('healthy');
  const doomed = hangingServer();
  const port = await doomed.port;
  await fleet.discovery.registry.register({
    id: 'doomed',
    name: 'greeter',
    version: '1.0.0',
    metadata: {},
    endpoints: [`grpc://127.0.0.1:${port}`],
  });
  await warmUp(stub);
  const before = healthy.greeter.completed;

  const calls = Array.from({ length: 6 }, (_, i) => hello(stub, { name: `#${i}` }));
  while (doomed.received.length + healthy.greeter.completed - before < 6) await sleep(5);
  doomed.child.kill('SIGKILL');
  const outcomes = await Promise.all(calls);
  return { outcomes, lost: doomed.received.length, servedAfter: healthy.greeter.completed - before };
}

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const stub of clients.splice(0)) stub.close();
  await fleet?.stopAll();
});

describe('defect: gRPC in-flight calls fail on a dead instance', () => {
  it('without a retry policy, a call that lands on a dying instance fails UNAVAILABLE', async () => {
    fleet = new GreeterFleet();
    const stub = client({});
    await fleet.start('healthy');
    const dying = new SickGreeter('dying', 'unavailable');
    await fleet.start('dying', dying);
    await warmUp(stub);

    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => hello(stub, { name: `#${i}` })));

    expect(dying.sick).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.error?.code === status.UNAVAILABLE).length).toBe(dying.sick);
  });

  it('with retry, a call answered UNAVAILABLE by one instance is retried and succeeds on another', async () => {
    fleet = new GreeterFleet();
    const stub = client({ retry: RETRY });
    await fleet.start('healthy');
    const dying = new SickGreeter('dying', 'unavailable');
    await fleet.start('dying', dying);
    await warmUp(stub);

    // One after the other: round_robin then alternates, so each retry lands on the other instance.
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await hello(stub, { name: `#${i}` }));

    expect(dying.sick).toBeGreaterThan(0);
    expect(outcomes.map((o) => o.error?.message ?? 'ok')).toEqual(outcomes.map(() => 'ok'));
    expect(outcomes.every((o) => o.reply?.appId === 'healthy')).toBe(true);
  });

  it('without a retry policy, calls in flight on an instance SIGKILLed mid-call fail UNAVAILABLE', async () => {
    const { outcomes, lost } = await killMidCall({});

    expect(lost).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.error?.code === status.UNAVAILABLE)).toHaveLength(lost);
  });

  it('with retry, calls in flight on an instance SIGKILLed mid-call are retried and succeed on another', async () => {
    const { outcomes, lost, servedAfter } = await killMidCall({ retry: RETRY });

    expect(lost).toBeGreaterThan(0);
    expect(outcomes.map((o) => o.error?.message ?? 'ok')).toEqual(outcomes.map(() => 'ok'));
    expect(outcomes.every((o) => o.reply?.appId === 'healthy')).toBe(true);
    expect(servedAfter).toBe(6);
  });
});
