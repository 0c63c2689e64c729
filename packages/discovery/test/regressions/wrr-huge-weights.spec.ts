import { describe, expect, it } from '@jest/globals';
import { NODE_WEIGHTS, nodesOf, p2c, wrr, type Node } from '../../src/index.js';
import { hostOf, instance, node } from '../support/fixtures.js';

const countPicks = (nodes: readonly Node[], picks: number): Record<string, number> => {
  const selector = wrr();
  const counts: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const host = hostOf(selector.pick(nodes).node);
    counts[host] = (counts[host] ?? 0) + 1;
  }
  return counts;
};

// Issue item 10: wrr() over two nodes of weight 1e308 split 999/1, the running sums overflowing to
// Infinity; weights are now validated and clamped to NODE_WEIGHTS' range.
describe('regression: wrr over huge weights', () => {
  it('splits evenly between two nodes of weight 1e308', () => {
    expect(countPicks([node('a', 1e308), node('b', 1e308)], 1_000)).toEqual({ a: 500, b: 500 });
  });

  it('stays exact after many rounds with weights at the top of the range and above', () => {
    const nodes = [node('a', 1e300), node('b', NODE_WEIGHTS.max), node('c', Number.MAX_VALUE)];
    expect(countPicks(nodes, 3_000)).toEqual({ a: 1_000, b: 1_000, c: 1_000 });
  });

  it('gives a node weighted Infinity, NaN, 0 or a negative number the default weight', () => {
    const nodes = [
      node('a', Number.POSITIVE_INFINITY),
      node('b', Number.NaN),
      node('c', 0),
      node('d', -5),
      node('e', NODE_WEIGHTS.default),
    ];
    expect(countPicks(nodes, 500)).toEqual({ a: 100, b: 100, c: 100, d: 100, e: 100 });
  });

  it('keeps the ratio of weights inside the range, the smallest included', () => {
    const nodes = [node('a', NODE_WEIGHTS.min * 3), node('b', NODE_WEIGHTS.min)];
    expect(countPicks(nodes, 400)).toEqual({ a: 300, b: 100 });
  });

  it('nodesOf clamps metadata weights into the documented range and defaults invalid ones', () => {
    const weights = ['1e308', '5e6', '0.0000001', 'Infinity', 'NaN', '-1', '0', '250'];
    const instances = weights.map((weight, i) =>
      instance(`i${i}`, [`http://10.0.0.${i + 1}:8000`], { metadata: { weight } }),
    );
    expect(nodesOf(instances, ['http']).map((n) => n.weight)).toEqual([
      NODE_WEIGHTS.max,
      NODE_WEIGHTS.max,
      NODE_WEIGHTS.min,
      NODE_WEIGHTS.default,
      NODE_WEIGHTS.default,
      NODE_WEIGHTS.default,
      NODE_WEIGHTS.default,
      250,
    ]);
  });

  it('p2c scores nodes of weight 1e308 as finite loads (no NaN, no Infinity/Infinity)', () => {
    const clock = { t: 0 };
    const selector = p2c({ random: () => 0.25, now: () => clock.t });
    const nodes = [node('a', 1e308), node('b', 1e308)];
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const picked = selector.pick(nodes);
      clock.t += 1;
      picked.done({ duration: 1 });
      seen.add(hostOf(picked.node));
    }
    expect([...seen].sort()).toEqual(['a', 'b']);
  });
});
