import { describe, expect, it } from '@jest/globals';
import { requestDeadline } from '../../src/request-deadline.js';

describe('requestDeadline', () => {
  it('gives each read (each attempt of a call) its own deadline, requestTimeout from that read', () => {
    let now = 1_000;
    const options = requestDeadline(400, () => now);
    expect(options.deadline.getTime()).toBe(1_400);
    // The failover retry reads it again after the first attempt ran out: a fresh 400 ms.
    now = 1_400;
    expect(options.deadline.getTime()).toBe(1_800);
  });

  it('survives the spread etcd3 makes of call options before each attempt', () => {
    let now = 0;
    const options = requestDeadline(50, () => now);
    now = 10;
    expect({ ...{ other: 1 }, ...options }.deadline.getTime()).toBe(60);
  });
});
