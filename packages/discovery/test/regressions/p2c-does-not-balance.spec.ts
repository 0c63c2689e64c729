import { describe, expect, it } from '@jest/globals';
import { p2c, wrr, type Node, type Selector } from '../../src/index.js';
import { hostOf, node, seeded } from '../support/fixtures.js';

/**
 * Call durations as a loaded machine gives them, on a virtual clock: lognormal around `typical`
 * ms, one call in 20 twenty times slower (a GC pause, a busy core), and the first call to each node
 * 50 ms slower (connecting). Loopback HTTP measured on this project's CI has that shape.
 */
function latencies(seed: number): (target: Node, typical: number) => number {
  const random = seeded(seed);
  const connected = new Set<string>();
  return (target, typical) => {
    const gaussian = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    let duration = typical * Math.exp(0.5 * gaussian);
    if (random() < 0.05) duration *= 20;
    if (!connected.has(target.endpoint)) duration += 50;
    connected.add(target.endpoint);
    return duration;
  };
}

/** Sequential calls (each ends before the next is picked): how many each node got. */
function sequential(
  selector: Selector,
  clock: { t: number },
  typical: Map<Node, number>,
  calls: number,
  seed: number,
) {
  const nodes = [...typical.keys()];
  const duration = latencies(seed);
  const counts = new Map(nodes.map((n) => [hostOf(n), 0]));
  for (let i = 0; i < calls; i++) {
    const picked = selector.pick(nodes);
    const took = duration(picked.node, typical.get(picked.node)!);
    clock.t += took;
    picked.done({ duration: took });
    counts.set(hostOf(picked.node), counts.get(hostOf(picked.node))! + 1);
  }
  return counts;
}

/**
 * `callers` concurrent callers, each calling again as soon as its call ends, until `calls` calls;
 * each node serves one call at a time (the others queue). How many each node got, and the time taken.
 */
function concurrent(
  selector: Selector,
  clock: { t: number },
  typical: Map<Node, number>,
  callers: number,
  calls: number,
  seed: number,
) {
  const nodes = [...typical.keys()];
  const duration = latencies(seed);
  const counts = new Map(nodes.map((n) => [hostOf(n), 0]));
  const freeAt = new Map(nodes.map((n) => [n, 0]));
  const pending: { at: number; end: () => void }[] = [];
  let started = 0;
  const call = (): void => {
    started++;
    const start = clock.t;
    const picked = selector.pick(nodes);
    const end =
      Math.max(clock.t, freeAt.get(picked.node)!) + duration(picked.node, typical.get(picked.node)!);
    freeAt.set(picked.node, end);
    pending.push({
      at: end,
      end: () => {
        picked.done({ duration: clock.t - start });
        counts.set(hostOf(picked.node), counts.get(hostOf(picked.node))! + 1);
        if (started < calls) call();
      },
    });
  };
  for (let i = 0; i < callers; i++) call();
  while (pending.length > 0) {
    pending.sort((x, y) => x.at - y.at);
    const next = pending.shift()!;
    clock.t = next.at;
    next.end();
  }
  return { counts, elapsed: clock.t };
}

const ratio = (counts: Map<string, number>): number =>
  Math.max(...counts.values()) / Math.min(...counts.values());

// Issue item 11: p2c() over 3 equal nodes split 3000 sequential calls 1/1560/1439: a node that lost
// a comparison was never measured again, so its cost never decayed and it kept losing.
describe('regression: the default selector does not balance', () => {
  const a = node('a');
  const b = node('b');
  const c = node('c');

  it.each([1, 2, 3, 4, 5, 6])(
    'sequential calls over 3 equal nodes split within max/min ≤ 1.25 (seed %d)',
    (seed) => {
      const clock = { t: 0 };
      const selector = p2c({ random: seeded(seed * 7919), now: () => clock.t });
      const counts = sequential(
        selector,
        clock,
        new Map([
          [a, 4],
          [b, 4],
          [c, 4],
        ]),
        3_000,
        seed,
      );
      expect(ratio(counts)).toBeLessThanOrEqual(1.25);
    },
  );

  it.each([1, 2, 3])(
    '16 concurrent callers over 3 equal nodes get ≥ 0.95× the throughput of wrr (seed %d)',
    (seed) => {
      const equal = new Map([
        [a, 4],
        [b, 4],
        [c, 4],
      ]);
      const clock = { t: 0 };
      const selector = p2c({ random: seeded(seed * 104_729), now: () => clock.t });
      const p2cRun = concurrent(selector, clock, equal, 16, 3_000, seed);
      const wrrRun = concurrent(wrr(), { t: 0 }, equal, 16, 3_000, seed);
      // The same number of calls, durations drawn alike: throughput is the inverse of the time taken.
      expect(wrrRun.elapsed / p2cRun.elapsed).toBeGreaterThanOrEqual(0.95);
    },
  );

  it.each([1, 2, 3])(
    'a node 10× slower than its two peers gets ≤ 10% of sequential calls (seed %d)',
    (seed) => {
      const clock = { t: 0 };
      const selector = p2c({ random: seeded(seed * 31), now: () => clock.t });
      const counts = sequential(
        selector,
        clock,
        new Map([
          [a, 4],
          [b, 4],
          [c, 40],
        ]),
        3_000,
        seed,
      );
      expect(counts.get('c')! / 3_000).toBeLessThanOrEqual(0.1);
    },
  );

  it.each([1, 2, 3])(
    "a node 10× slower than its two peers gets ≤ 10% of 16 callers' calls (seed %d)",
    (seed) => {
      const clock = { t: 0 };
      const selector = p2c({ random: seeded(seed * 131), now: () => clock.t });
      const { counts } = concurrent(
        selector,
        clock,
        new Map([
          [a, 4],
          [b, 4],
          [c, 40],
        ]),
        16,
        3_000,
        seed,
      );
      expect(counts.get('c')! / 3_000).toBeLessThanOrEqual(0.1);
    },
  );

  it('a node measured slower because it was picked less (a cold node) is not starved', () => {
    // On a busy machine a server process left idle answers its next call late (it must be
    // scheduled again): 4 ms when warm, 10 ms after 10 ms without a call. A selector that acts on
    // that difference picks the cold node less, which makes it colder still.
    const clock = { t: 0 };
    const selector = p2c({ random: seeded(4242), now: () => clock.t });
    const nodes = [a, b, c];
    const lastCall = new Map<Node, number>(nodes.map((n) => [n, 0]));
    const counts = new Map(nodes.map((n) => [hostOf(n), 0]));
    for (let i = 0; i < 3_000; i++) {
      const picked = selector.pick(nodes);
      const took = clock.t - lastCall.get(picked.node)! > 10 ? 10 : 4;
      clock.t += took;
      lastCall.set(picked.node, clock.t);
      picked.done({ duration: took });
      counts.set(hostOf(picked.node), counts.get(hostOf(picked.node))! + 1);
    }
    expect(ratio(counts)).toBeLessThanOrEqual(1.25);
  });

  it('a node that lost once is picked again once its cost has decayed, well before the 3 s probe', () => {
    const clock = { t: 0 };
    const selector = p2c({ random: seeded(17), now: () => clock.t });
    const first = selector.pick([a, b]);
    const second = selector.pick([a, b]);
    expect(new Set([hostOf(first.node), hostOf(second.node)])).toEqual(new Set(['a', 'b']));
    const [slow, fast] = hostOf(first.node) === 'b' ? [first, second] : [second, first];
    clock.t = 10;
    fast.done({ duration: 1 });
    slow.done({ duration: 10 }); // b lost once: 10× a's latency (its first call paid for connecting)
    const bAt: number[] = [];
    while (clock.t < 2_900) {
      const picked = selector.pick([a, b]);
      clock.t += 1;
      picked.done({ duration: 1 });
      if (picked.node === b) bAt.push(clock.t);
    }
    // Idle, b's latency fades over 20 of a's calls (τ = 20 ms); below 3× a's (where the two count
    // as equal) after 20 ms · ln(10 / 3) ≈ 24 ms: b is back long before the 3 s probe.
    expect(bAt.length).toBeGreaterThan(0);
    expect(bAt[0]).toBeGreaterThan(20);
    expect(bAt[0]).toBeLessThan(100);
    // Measured at 1 ms again, b is back in rotation: in the last second it gets a fair share.
    const lastSecond = bAt.filter((t) => t > 1_900).length;
    expect(lastSecond).toBeGreaterThan(400);
  });
});
