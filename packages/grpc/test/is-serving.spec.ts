import { describe, expect, it } from '@jest/globals';
import type { LifecycleState } from '@kratos-ts/core';
import { isServing } from '../src/is-serving.js';

describe('isServing', () => {
  it.each<[LifecycleState, boolean]>([
    ['idle', false],
    ['starting', false],
    ['running', true],
    ['stopping', false],
    ['stopped', false],
    ['failed', false],
  ])('under a kernel that is %s: %s', (kernelState, expected) => {
    expect(isServing({ kernelState, listening: true, stopping: false })).toBe(expected);
  });

  it('standalone: serving once listening, until stop() is called', () => {
    expect(isServing({ kernelState: undefined, listening: false, stopping: false })).toBe(false);
    expect(isServing({ kernelState: undefined, listening: true, stopping: false })).toBe(true);
    expect(isServing({ kernelState: undefined, listening: true, stopping: true })).toBe(false);
  });

  it('never serving once stop() was called or while not listening, whatever the kernel says', () => {
    expect(isServing({ kernelState: 'running', listening: true, stopping: true })).toBe(false);
    expect(isServing({ kernelState: 'running', listening: false, stopping: false })).toBe(false);
  });
});
