import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { DiscoveryErrorCode, wrr } from '../src/index.js';
import { hostOf, node } from './support/fixtures.js';

const pickHosts = (count: number, pick: () => string): string[] => Array.from({ length: count }, pick);

describe('wrr', () => {
  it("follows nginx's smooth sequence for weights 5/1/1: a a b a c a a, then again", () => {
    const selector = wrr();
    const nodes = [node('a', 5), node('b', 1), node('c', 1)];
    const seq = pickHosts(14, () => hostOf(selector.pick(nodes).node));
    expect(seq.join(' ')).toBe('a a b a c a a a a b a c a a');
  });

  it('round-robins nodes of equal (default) weight', () => {
    const selector = wrr();
    const nodes = [node('a'), node('b'), node('c')];
    expect(pickHosts(6, () => hostOf(selector.pick(nodes).node)).join(' ')).toBe('a b c a b c');
  });

  it('gives each node its weighted share over a window of sum(weights) picks', () => {
    const selector = wrr();
    const nodes = [node('a', 300), node('b', 200), node('c', 100)];
    const counts = new Map<string, number>();
    for (const host of pickHosts(600, () => hostOf(selector.pick(nodes).node))) {
      counts.set(host, (counts.get(host) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ a: 300, b: 200, c: 100 });
  });

  it('never picks an excluded node while another is left', () => {
    const selector = wrr();
    const nodes = [node('a', 5), node('b', 1), node('c', 1)];
    const exclude = new Set(['http://a:80']);
    const seq = pickHosts(6, () => hostOf(selector.pick(nodes, { exclude }).node));
    expect(seq.join(' ')).toBe('b c b c b c');
  });

  it('picks among all nodes when every node is excluded', () => {
    const selector = wrr();
    const nodes = [node('a'), node('b')];
    const exclude = new Set(['http://a:80', 'http://b:80']);
    expect(pickHosts(4, () => hostOf(selector.pick(nodes, { exclude }).node)).join(' ')).toBe('a b a b');
  });

  it('forgets a node that left: when it comes back it starts afresh', () => {
    const selector = wrr();
    const a = node('a', 2);
    const b = node('b', 1);
    expect(hostOf(selector.pick([a, b]).node)).toBe('a'); // b is now owed a turn (current +1)
    expect(hostOf(selector.pick([a]).node)).toBe('a'); // b left: its debt is dropped
    // Remembered, b (1 + 1) would beat a (-1 + 2); afresh, b (0 + 1) ties a and a comes first.
    expect(hostOf(selector.pick([a, b]).node)).toBe('a');
  });

  it('accepts feedback, any number of times, without changing the order', () => {
    const selector = wrr();
    const nodes = [node('a', 2), node('b', 1)];
    const seq = pickHosts(6, () => {
      const picked = selector.pick(nodes);
      picked.done({ duration: 5, error: new Error('boom') });
      picked.done({ duration: 1 });
      return hostOf(picked.node);
    });
    expect(seq.join(' ')).toBe('a b a a b a');
  });

  it('throws a coded error when asked to pick among no node', () => {
    const selector = wrr();
    let thrown: unknown;
    try {
      selector.pick([]);
    } catch (error) {
      thrown = error;
    }
    expect(isKratosError(thrown) && thrown.code).toBe(DiscoveryErrorCode.InvalidOptions);
    expect((thrown as Error).message).toContain('wrr');
  });
});
