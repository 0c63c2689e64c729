import { describe, expect, it } from '@jest/globals';
import { SHOWN_KEY_LENGTH, shownKey } from '../../src/shown-key.js';

describe('shownKey', () => {
  it('shows a key of up to SHOWN_KEY_LENGTH characters whole', () => {
    const key = `/microservices/${'g'.repeat(SHOWN_KEY_LENGTH - 17)}/1`;
    expect(key).toHaveLength(SHOWN_KEY_LENGTH);
    expect(shownKey(key)).toBe(key);
  });

  it('cuts a longer key to its first 120 characters and says how large it is', () => {
    const key = `/microservices/${'é'.repeat(1_000_000)}/1`;
    const shown = shownKey(key);
    expect(shown).toBe(`${key.slice(0, 120)}…(2000017 bytes)`);
    expect(shown.length).toBeLessThan(SHOWN_KEY_LENGTH);
  });
});
