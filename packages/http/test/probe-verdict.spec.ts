import { describe, expect, it } from '@jest/globals';
import type { LifecycleState } from '@kratos-ts/core';
import type { ServerPhase } from '../src/index.js';
import { probeVerdict } from '../src/probe-verdict.js';

describe('probeVerdict', () => {
  it.each<[LifecycleState, boolean, boolean]>([
    ['idle', true, false],
    ['starting', true, false],
    ['running', true, true],
    ['stopping', true, false],
    ['stopped', false, false],
    ['failed', false, false],
  ])('with a kernel %s (server listening): live %s, ready %s', (state, live, ready) => {
    expect(probeVerdict(state, 'listening')).toEqual({ live, ready });
  });

  it('is not ready while the server drains, even if the kernel still says running', () => {
    expect(probeVerdict('running', 'draining')).toEqual({ live: true, ready: false });
  });

  it.each<[ServerPhase, boolean, boolean]>([
    ['idle', true, false],
    ['starting', true, false],
    ['listening', true, true],
    ['draining', true, false],
    ['stopped', false, false],
  ])('standalone (no kernel), server %s: live %s, ready %s', (phase, live, ready) => {
    expect(probeVerdict(undefined, phase)).toEqual({ live, ready });
  });
});
