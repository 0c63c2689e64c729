import { describe, expect, it } from '@jest/globals';
import type { Msg } from '@nats-io/transport-node';
import { PullSubscription, type PullClient } from '../src/pull-subscription.js';
import { VirtualClock } from '../../consumer/test/support/virtual-clock.js';

// The pull accounting in virtual time, against a scripted server: how much is asked for and when,
// what ends a pull, and the bound: delivered-and-unsettled plus asked-for never exceeds prefetch.

const INBOX = '_INBOX.test';

interface PullRequest {
  readonly batch: number;
  readonly expiresMs: number;
  readonly at: number;
}

class ScriptedServer implements PullClient {
  readonly pulls: PullRequest[] = [];
  deliver: ((error: Error | null, message: Msg) => void) | undefined;
  drained = false;
  unsubscribed = false;
  drain: () => Promise<void> = async () => void (this.drained = true);
  failPublish: Error | undefined;
  #seq = 0;

  constructor(private readonly clock: VirtualClock) {}

  subscribe(subject: string, options: { callback: (error: Error | null, message: Msg) => void }) {
    expect(subject).toBe(INBOX);
    this.deliver = options.callback;
    return { drain: () => this.drain(), unsubscribe: () => void (this.unsubscribed = true) };
  }

  publish(subject: string, payload: string, options: { reply: string }): void {
    if (this.failPublish) throw this.failPublish;
    expect(subject).toBe('$JS.API.CONSUMER.MSG.NEXT.greetings.greeter');
    expect(options.reply).toBe(INBOX);
    const { batch, expires } = JSON.parse(payload) as { batch: number; expires: number };
    this.pulls.push({ batch, expiresMs: expires / 1_000_000, at: this.clock.now() });
  }

  /** Sends `count` JetStream messages. */
  send(count: number): void {
    for (let i = 0; i < count; i++) {
      this.#seq += 1;
      this.deliver?.(null, {
        subject: 'greetings',
        reply: `$JS.ACK.greetings.greeter.1.${this.#seq}.${this.#seq}.0.0`,
        data: new Uint8Array(),
        headers: undefined,
      } as unknown as Msg);
    }
  }

  /** Sends a status to the inbox. */
  status(code: number, description = ''): void {
    this.deliver?.(null, {
      subject: INBOX,
      reply: '',
      data: new Uint8Array(),
      headers: { code, description },
    } as unknown as Msg);
  }
}

function rig(prefetch = 10) {
  const clock = new VirtualClock();
  const server = new ScriptedServer(clock);
  const problems: string[] = [];
  let received = 0;
  const pulls = new PullSubscription(server, {
    stream: 'greetings',
    consumer: 'greeter',
    inbox: INBOX,
    prefetch,
    expiresMs: 5_000,
    retryMs: 100,
    onMessage: () => void (received += 1),
    onProblem: (problem) => void problems.push(problem),
    scheduler: clock.scheduler,
  });
  const bound = () => pulls.unsettled + pulls.requested;
  return { clock, server, pulls, problems, received: () => received, bound };
}

describe('PullSubscription', () => {
  it('asks for prefetch at first, then for the free room as soon as half of it is free, while the rest is handled', () => {
    const { server, pulls, received } = rig(10);
    pulls.start();
    expect(server.pulls.map((pull) => pull.batch)).toEqual([10]);
    expect(server.pulls[0]?.expiresMs).toBe(5_000);

    server.send(10);
    expect(received()).toBe(10);
    expect(pulls.unsettled).toBe(10);
    expect(pulls.requested).toBe(0);
    for (let i = 0; i < 4; i++) pulls.settled();
    expect(server.pulls).toHaveLength(1); // 4 free: less than half
    pulls.settled();
    expect(server.pulls.map((pull) => pull.batch)).toEqual([10, 5]); // 5 still running
    expect(pulls.unsettled + pulls.requested).toBe(10);
  });

  it('never has more than prefetch delivered-and-unsettled plus asked-for, whatever the order of events', () => {
    const { server, pulls, bound } = rig(7);
    pulls.start();
    // A fixed pseudo-random walk: messages, settlements, expiries, in a mixed order.
    let seed = 42;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 2_000; step++) {
      const choice = next();
      if (choice < 0.45 && pulls.requested > 0) server.send(1);
      else if (choice < 0.9 && pulls.unsettled > 0) pulls.settled();
      else if (pulls.requested > 0) server.status(408, 'Request Timeout');
      expect(bound()).toBeLessThanOrEqual(7);
    }
    expect(server.pulls.length).toBeGreaterThan(50);
  });

  it('a 408 ends the oldest pull and the room is asked for again', () => {
    const { server, pulls } = rig(10);
    pulls.start();
    server.send(3);
    expect(pulls.requested).toBe(7);
    server.status(408, 'Request Timeout');
    expect(pulls.requested).toBe(7); // the 7 owed were dropped, and asked for again
    expect(server.pulls.map((pull) => pull.batch)).toEqual([10, 7]);
  });

  it('forgets a pull the server never ended 1 s past its expiry, and asks again', async () => {
    const { clock, server, pulls } = rig(10);
    pulls.start();
    await clock.advanceTo(5_999);
    expect(server.pulls).toHaveLength(1);
    await clock.advanceTo(6_000);
    expect(server.pulls.map((pull) => [pull.batch, pull.at])).toEqual([
      [10, 0],
      [10, 6_000],
    ]);
  });

  it('backs off on a status that makes pulling pointless, says so once, and resumes', async () => {
    const { clock, server, pulls, problems } = rig(10);
    pulls.start();
    server.status(503, '');
    expect(problems).toEqual(['503 status']);
    expect(pulls.requested).toBe(0);
    await clock.advanceTo(99);
    expect(server.pulls).toHaveLength(1);
    await clock.advanceTo(100);
    expect(server.pulls).toHaveLength(2);
    server.status(503, '');
    expect(problems).toEqual(['503 status']); // the same problem again: not said twice
    await clock.advanceTo(299);
    expect(server.pulls).toHaveLength(2);
    await clock.advanceTo(300); // 100, then 200: doubling
    expect(server.pulls).toHaveLength(3);
    server.send(1); // it works again
    server.status(409, 'Consumer Deleted');
    expect(problems).toEqual(['503 status', '409 consumer deleted']);
  });

  it('a pull that cannot be sent (connection closing) backs off instead of throwing', async () => {
    const { clock, server, pulls, problems } = rig(10);
    server.failPublish = new Error('connection draining');
    pulls.start();
    expect(problems).toEqual(['connection draining']);
    server.failPublish = undefined;
    await clock.advanceTo(100);
    expect(server.pulls).toHaveLength(1);
  });

  it('forgets what was asked on a reconnect and asks again', () => {
    const { server, pulls } = rig(10);
    pulls.start();
    server.send(2);
    pulls.reconnected();
    expect(server.pulls.map((pull) => pull.batch)).toEqual([10, 8]);
    expect(pulls.unsettled + pulls.requested).toBe(10);
  });

  it('heartbeats change nothing', () => {
    const { server, pulls } = rig(10);
    pulls.start();
    server.status(100, 'Idle Heartbeat');
    expect(pulls.requested).toBe(10);
    expect(server.pulls).toHaveLength(1);
  });

  it('stop() pulls no more, drains the inbox, and ends by its bound when the drain hangs', async () => {
    const { clock, server, pulls } = rig(10);
    pulls.start();
    server.drain = () => new Promise<void>(() => undefined); // a frozen server never answers
    let stopped = false;
    void pulls.stop(2_000).then(() => (stopped = true));
    for (let i = 0; i < 10; i++) pulls.settled();
    expect(server.pulls).toHaveLength(1);
    await clock.advanceTo(1_999);
    expect(stopped).toBe(false);
    await clock.advanceTo(2_000);
    expect(stopped).toBe(true);
    expect(server.unsubscribed).toBe(true);
    await clock.advanceTo(60_000);
    expect(server.pulls).toHaveLength(1); // no expiry re-pull either
  });

  it('cutShort() ends a stop() waiting for a hung drain at once, its bound no longer pending', async () => {
    const { clock, server, pulls } = rig(10);
    pulls.start();
    server.drain = () => new Promise<void>(() => undefined);
    let stopped = false;
    void pulls.stop(2_000).then(() => (stopped = true));
    await clock.advanceTo(500);
    expect(stopped).toBe(false);
    pulls.cutShort();
    await clock.advanceTo(501);
    expect(stopped).toBe(true);
    expect(server.unsubscribed).toBe(true);
    server.unsubscribed = false;
    await clock.advanceTo(5_000);
    expect(server.unsubscribed).toBe(false); // the bound's timer was cancelled, not fired later
    pulls.cutShort(); // nothing waits any more: nothing happens
    expect(server.unsubscribed).toBe(false);
  });

  it('stop() resolves once the inbox is drained', async () => {
    const { server, pulls } = rig(10);
    pulls.start();
    await pulls.stop(2_000);
    expect(server.drained).toBe(true);
  });
});
