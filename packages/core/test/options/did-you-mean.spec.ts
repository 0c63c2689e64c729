import { describe, expect, it } from '@jest/globals';
import { didYouMean } from '../../src/options/did-you-mean.js';

const KNOWN = ['timeout', 'retry', 'logger', 'scheduler', 'keepAliveTimeout', 'port'];

describe('didYouMean', () => {
  it.each([
    ['timout', 'timeout'], // a letter dropped
    ['timeeout', 'timeout'], // a letter added
    ['timeoat', 'timeout'], // a letter changed
    ['tiemout', 'timeout'], // two neighbours swapped
    ['Timeout', 'timeout'], // another case
    ['keepAliveTimout', 'keepAliveTimeout'],
    ['prot', 'port'], // a swap within 1 edit on a short name
    ['loger', 'logger'],
  ])('suggests the near miss: %s → %s', (given, expected) => {
    expect(didYouMean(given, KNOWN)).toBe(expected);
  });

  it.each([['colour'], ['x'], ['deadline'], ['pt']])('suggests nothing far-fetched: %s', (given) => {
    expect(didYouMean(given, KNOWN)).toBeUndefined();
  });

  it('prefers the closest name', () => {
    expect(didYouMean('mex', ['max', 'maxi'])).toBe('max');
    expect(didYouMean('maxx', ['max', 'maxi'])).toBe('max');
  });

  it('allows one edit up to 4 letters and two beyond', () => {
    expect(didYouMean('pxrx', ['port'])).toBeUndefined();
    expect(didYouMean('retyy', ['retry'])).toBe('retry');
    expect(didYouMean('rxtxx', ['retry'])).toBeUndefined();
  });

  it('suggests nothing from an empty list', () => {
    expect(didYouMean('timeout', [])).toBeUndefined();
  });
});
