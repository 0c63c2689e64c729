import { describe, expect, it } from '@jest/globals';
import { EndpointStates } from '../src/selectors/endpoint-states.js';
import { node } from './support/fixtures.js';

describe('EndpointStates (the per-endpoint state of selectors)', () => {
  it('creates a state per endpoint once, and drops the states of endpoints no longer listed', () => {
    let created = 0;
    const states = new EndpointStates(() => ({ n: ++created }));
    const [a, b, c] = [node('a'), node('b'), node('c')];
    states.retain([a, b, c]);
    expect(states.of(a)).toBe(states.of(a));
    states.of(b);
    states.of(c);
    expect(states.size).toBe(3);
    states.retain([a, c]);
    expect(states.size).toBe(2);
    expect(states.of(b).n).toBe(4);
    expect(states.of(a).n).toBe(1);
  });
});
