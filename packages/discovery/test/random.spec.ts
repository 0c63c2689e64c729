import { describe, expect, it } from '@jest/globals';
import { random } from '../src/index.js';
import { hostOf, node, seeded } from './support/fixtures.js';

describe('random', () => {
  it('picks roughly uniformly, whatever the weights', () => {
    const selector = random({ random: seeded(42) });
    const nodes = [node('a', 500), node('b', 100), node('c', 1)];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) counts[hostOf(selector.pick(nodes).node)]!++;
    for (const count of Object.values(counts)) {
      expect(count).toBeGreaterThan(9_500);
      expect(count).toBeLessThan(10_500);
    }
  });

  it('maps the random number onto the node list, the last node included even for 1', () => {
    const values = [0, 0.34, 0.67, 0.999_999, 1];
    const selector = random({ random: () => values.shift() ?? 0 });
    const nodes = [node('a'), node('b'), node('c')];
    const picks = [0, 1, 2, 3, 4].map(() => hostOf(selector.pick(nodes).node));
    expect(picks).toEqual(['a', 'b', 'c', 'c', 'c']);
  });

  it('never picks an excluded node while another is left, and picks among all when all are', () => {
    const selector = random({ random: seeded(7) });
    const nodes = [node('a'), node('b'), node('c')];
    const some = new Set(['http://a:80', 'http://c:80']);
    for (let i = 0; i < 200; i++) expect(hostOf(selector.pick(nodes, { exclude: some }).node)).toBe('b');
    const all = new Set(nodes.map((n) => n.endpoint));
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(hostOf(selector.pick(nodes, { exclude: all }).node));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });

  it('uses Math.random by default', () => {
    const selector = random();
    const nodes = [node('a'), node('b')];
    const picked = selector.pick(nodes);
    expect(nodes).toContain(picked.node);
    expect(selector.name).toBe('random');
  });
});
