import { describe, expect, it } from '@jest/globals';
import { ReconnectBackoff } from '../src/reconnect-backoff.js';

// The wait grows with the outage, not with how often nats.js asks (it asks on every turn of its
// dial loop, waiting turns included). A manual clock: no real time passes.

describe('ReconnectBackoff', () => {
  it('waits initialMs while the outage is young, however often it is asked', () => {
    let now = 1_000;
    const backoff = new ReconnectBackoff(100, 5_000, () => now);
    const waits: number[] = [];
    for (let i = 0; i < 50; i++) waits.push(backoff.next()); // 50 turns of the loop, no time passing
    expect(new Set(waits)).toEqual(new Set([100]));
    now += 150;
    expect(backoff.next()).toBe(100);
  });

  it('then half the outage so far, at most maxMs', () => {
    let now = 0;
    const backoff = new ReconnectBackoff(100, 5_000, () => now);
    backoff.next();
    now = 1_000;
    expect(backoff.next()).toBe(500);
    now = 4_000;
    expect(backoff.next()).toBe(2_000);
    now = 60_000;
    expect(backoff.next()).toBe(5_000);
  });

  it('starts over after a reconnection', () => {
    let now = 0;
    const backoff = new ReconnectBackoff(100, 5_000, () => now);
    backoff.next();
    now = 30_000;
    expect(backoff.next()).toBe(5_000);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });
});
