import { describe, expect, it } from '@jest/globals';
import { p2c, type Node, type Picked, type Selector } from '../src/index.js';
import { hostOf, node, seeded } from './support/fixtures.js';

/** A p2c selector on a clock the test moves by hand. */
function setup(seed = 1): { selector: Selector; clock: { t: number } } {
  const clock = { t: 0 };
  return { selector: p2c({ random: seeded(seed), now: () => clock.t }), clock };
}

/** Makes one call land on `target`, reporting `duration` and, optionally, an error. */
function callOn(
  selector: Selector,
  nodes: readonly Node[],
  target: Node,
  duration: number,
  error?: Error,
): void {
  const exclude = new Set(nodes.filter((n) => n !== target).map((n) => n.endpoint));
  const picked = selector.pick(nodes, { exclude });
  expect(picked.node).toBe(target);
  picked.done(error ? { duration, error } : { duration });
}

function count(hosts: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const host of hosts) counts[host] = (counts[host] ?? 0) + 1;
  return counts;
}

describe('p2c', () => {
  const a = node('a');
  const b = node('b');
  const c = node('c');

  it('picks the only node without drawing', () => {
    const selector = p2c({
      random: () => {
        throw new Error('no draw expected');
      },
    });
    expect(selector.pick([a]).node).toBe(a);
    expect(selector.pick([a, b], { exclude: new Set([b.endpoint]) }).node).toBe(a);
    expect(selector.name).toBe('p2c');
  });

  it('sends nearly every call to a node 10× faster than the other, given feedback', () => {
    const { selector, clock } = setup();
    const hosts: string[] = [];
    for (let i = 0; i < 1_000; i++) {
      const picked = selector.pick([a, b]);
      clock.t += 10;
      picked.done({ duration: picked.node === a ? 10 : 100 });
      hosts.push(hostOf(picked.node));
    }
    const counts = count(hosts);
    // b, ten times slower, only gets its comebacks: idle, its latency fades over 20 of a's calls
    // (τ = 200 ms) and it wins again once it has faded below a's, after 200 ms · ln 10 ≈ 46 calls.
    expect(counts.b).toBeGreaterThanOrEqual(10);
    expect(counts.b).toBeLessThanOrEqual(40);
    expect(counts.a).toBeGreaterThanOrEqual(960);
  });

  it('spreads calls in flight over equally fast nodes (load = latency × (in flight + 1))', () => {
    const { selector } = setup();
    callOn(selector, [a, b], a, 10);
    callOn(selector, [a, b], b, 10);
    const open: Picked[] = [];
    for (let i = 0; i < 10; i++) open.push(selector.pick([a, b]));
    expect(count(open.map((p) => hostOf(p.node)))).toEqual({ a: 5, b: 5 });
    // Once a's calls end, a is the less loaded one.
    for (const picked of open) if (picked.node === a) picked.done({ duration: 10 });
    expect(selector.pick([a, b]).node).toBe(a);
  });

  it('scales the load by node weight: weight 300 gets three times the calls in flight of weight 100', () => {
    const { selector } = setup();
    const heavy = node('heavy', 300);
    const light = node('light', 100);
    callOn(selector, [heavy, light], heavy, 10);
    callOn(selector, [heavy, light], light, 10);
    const open = Array.from({ length: 8 }, () => hostOf(selector.pick([heavy, light]).node));
    expect(count(open)).toEqual({ heavy: 6, light: 2 });
  });

  it('counts latencies within 3× of each other as equal: the queue decides, ties are drawn', () => {
    const { selector } = setup();
    callOn(selector, [a, b], a, 10);
    callOn(selector, [a, b], b, 25); // 2.5× a: noise as far as p2c is concerned
    const open = count(Array.from({ length: 10 }, () => hostOf(selector.pick([a, b]).node)));
    expect(open).toEqual({ a: 5, b: 5 });
  });

  it('penalises a node whose calls fail', () => {
    const { selector, clock } = setup();
    const hosts: string[] = [];
    for (let i = 0; i < 300; i++) {
      const picked = selector.pick([a, b]);
      clock.t += 10;
      picked.done(picked.node === a ? { duration: 10, error: new Error('503') } : { duration: 10 });
      hosts.push(hostOf(picked.node));
    }
    // 3 s: a gets the first draw's pick and a probe or two, no more.
    expect(count(hosts).a ?? 0).toBeLessThanOrEqual(4);
    expect(count(hosts).b).toBeGreaterThanOrEqual(296);
  });

  it('force-picks a node left unpicked for more than 3 s, once, and lets it recover', () => {
    const { selector, clock } = setup();
    callOn(selector, [a, b], a, 10, new Error('refused'));
    callOn(selector, [a, b], b, 10);
    const pickAndReport = (duration: number): string => {
      const picked = selector.pick([a, b]);
      picked.done({ duration });
      return hostOf(picked.node);
    };
    expect(Array.from({ length: 20 }, () => pickAndReport(10)).every((h) => h === 'b')).toBe(true);
    clock.t = 3_000;
    expect(pickAndReport(10)).toBe('b'); // 3 s exactly is not yet starved
    clock.t = 3_001;
    expect(pickAndReport(1)).toBe('a'); // the probe, answered well and fast
    clock.t = 3_002;
    // a's one good answer, after 3 s of silence, outweighs its old failure: it is now the better node.
    expect(pickAndReport(1)).toBe('a');
  });

  it('after the forced probe fails again, goes back to the healthy node', () => {
    const { selector, clock } = setup();
    callOn(selector, [a, b], a, 10, new Error('refused'));
    callOn(selector, [a, b], b, 10);
    clock.t = 3_001;
    const probe = selector.pick([a, b]);
    expect(probe.node).toBe(a);
    probe.done({ duration: 10, error: new Error('refused') });
    const next = Array.from({ length: 10 }, () => {
      const picked = selector.pick([a, b]);
      picked.done({ duration: 10 });
      return hostOf(picked.node);
    });
    expect(next.every((h) => h === 'b')).toBe(true);
  });

  it('never picks an excluded node while another is left, and picks among all when all are', () => {
    const { selector } = setup(5);
    const nodes = [a, b, c];
    const exclude = new Set([a.endpoint, c.endpoint]);
    for (let i = 0; i < 50; i++) {
      const picked = selector.pick(nodes, { exclude });
      expect(picked.node).toBe(b);
      picked.done({ duration: 1 });
    }
    const all = new Set(nodes.map((n) => n.endpoint));
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const picked = selector.pick(nodes, { exclude: all });
      seen.add(hostOf(picked.node));
      picked.done({ duration: 1 });
    }
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });

  it('counts only the first done() of a pick', () => {
    const run = (reportTwice: boolean, firstError?: Error): string[] => {
      const { selector, clock } = setup(9);
      callOn(selector, [a, b], b, 10);
      const picked = selector.pick([a, b], { exclude: new Set([b.endpoint]) });
      picked.done(firstError ? { duration: 10, error: firstError } : { duration: 10 });
      clock.t = 1_000;
      if (reportTwice) picked.done({ duration: 5_000, error: new Error('late duplicate') });
      return Array.from({ length: 20 }, () => {
        const next = selector.pick([a, b]);
        next.done({ duration: 10 });
        return hostOf(next.node);
      });
    };
    expect(run(true)).toEqual(run(false));
    // The control: had the duplicate counted, a would have been shunned like this.
    expect(run(false, new Error('boom'))).not.toEqual(run(false));
  });

  it('forgets a node that left: when it comes back it is probed afresh', () => {
    const { selector } = setup();
    callOn(selector, [a, b], a, 10, new Error('refused'));
    callOn(selector, [a, b], b, 10);
    expect(selector.pick([a, b]).node).toBe(b); // a is shunned while listed
    selector.pick([b]); // a left the list
    expect(selector.pick([a, b]).node).toBe(a); // back, never picked since: probed at once
  });
});
