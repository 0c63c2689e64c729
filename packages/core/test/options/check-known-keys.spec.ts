import { describe, expect, it } from '@jest/globals';
import { checkKnownKeys } from '../../src/options/check-known-keys.js';

describe('checkKnownKeys', () => {
  it('accepts known keys only, pushing nothing', () => {
    const problems: string[] = [];
    expect(checkKnownKeys(problems, { timeout: 1, retry: false }, ['timeout', 'retry'])).toBe(true);
    expect(problems).toEqual([]);
  });

  it('names an unknown key, suggests the near miss and lists the known keys', () => {
    const problems: string[] = [];
    expect(checkKnownKeys(problems, { timout: 1 }, new Set(['timeout', 'retry']))).toBe(false);
    expect(problems).toEqual([
      'unknown option "timout": remove it or check its spelling (did you mean "timeout"? known: timeout, retry)',
    ]);
  });

  it('suggests nothing for a key that is nowhere near', () => {
    const problems: string[] = [];
    checkKnownKeys(problems, { colour: 'red' }, ['timeout', 'retry']);
    expect(problems).toEqual([
      'unknown option "colour": remove it or check its spelling (known: timeout, retry)',
    ]);
  });

  it('reports every unknown key, one problem each', () => {
    const problems: string[] = [];
    checkKnownKeys(problems, { a: 1, timeout: 2, b: 3 }, ['timeout']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"a"');
    expect(problems[1]).toContain('"b"');
  });

  it('names a nested key with its prefix, and ends with the hint', () => {
    const problems: string[] = [];
    checkKnownKeys(problems, { maxx: 1 }, ['initial', 'max'], {
      prefix: 'backoff.',
      hint: 'only these are known',
    });
    expect(problems).toEqual([
      'unknown option "backoff.maxx": remove it or check its spelling (did you mean "backoff.max"? known: initial, max); only these are known',
    ]);
  });
});
