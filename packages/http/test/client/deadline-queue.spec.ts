import { describe, expect, it } from '@jest/globals';
import { asyncScheduler, VirtualTimeScheduler, type SchedulerLike } from 'rxjs';
import { DeadlineQueue } from '../../src/client/deadline-queue.js';

/** A virtual-time scheduler that counts its `schedule()` calls (the queue's timers). */
function countingScheduler(): {
  scheduler: SchedulerLike;
  virtual: VirtualTimeScheduler;
  timers: () => number;
} {
  const virtual = new VirtualTimeScheduler(undefined, Number.POSITIVE_INFINITY);
  let timers = 0;
  const scheduler: SchedulerLike = {
    now: () => virtual.now(),
    schedule: ((work: () => void, delay?: number) => {
      timers += 1;
      return virtual.schedule(work, delay);
    }) as SchedulerLike['schedule'],
  };
  return { scheduler, virtual, timers: () => timers };
}

/** Runs virtual time up to `to` (frames). */
function advanceTo(virtual: VirtualTimeScheduler, to: number): void {
  virtual.maxFrames = to;
  virtual.flush();
}

describe('DeadlineQueue (virtual time)', () => {
  it('fires each deadline `timeout` after it was added, in order', () => {
    const { scheduler, virtual } = countingScheduler();
    const queue = new DeadlineQueue(scheduler, 100);
    const fired: string[] = [];
    queue.add(() => fired.push(`a@${virtual.now()}`));
    virtual.schedule(() => void queue.add(() => fired.push(`b@${virtual.now()}`)), 30);
    advanceTo(virtual, 99);
    expect(fired).toEqual([]);
    advanceTo(virtual, 1_000);
    expect(fired).toEqual(['a@100', 'b@130']);
  });

  it('a cancelled deadline never fires; the others still do', () => {
    const { scheduler, virtual } = countingScheduler();
    const queue = new DeadlineQueue(scheduler, 100);
    const fired: string[] = [];
    const a = queue.add(() => fired.push('a'));
    queue.add(() => fired.push('b'));
    const c = queue.add(() => fired.push('c'));
    a.cancel();
    c.cancel();
    advanceTo(virtual, 1_000);
    expect(fired).toEqual(['b']);
  });

  it('one timer for many deadlines in flight, and none left once every deadline is cancelled', () => {
    const { scheduler, virtual, timers } = countingScheduler();
    const queue = new DeadlineQueue(scheduler, 100);
    const deadlines = Array.from({ length: 50 }, () => queue.add(() => undefined));
    expect(timers()).toBe(1);
    for (const deadline of deadlines) deadline.cancel();
    // Nothing pending: the virtual clock has no action left to run.
    expect(virtual.actions).toHaveLength(0);
  });

  it('clear() drops every pending deadline and its timer', () => {
    const { scheduler, virtual } = countingScheduler();
    const queue = new DeadlineQueue(scheduler, 100);
    const fired: string[] = [];
    queue.add(() => fired.push('a'));
    queue.clear();
    advanceTo(virtual, 1_000);
    expect(fired).toEqual([]);
    expect(virtual.actions).toHaveLength(0);
  });

  it('on asyncScheduler, an idle queue leaves no timer holding the process', () => {
    const queue = new DeadlineQueue(asyncScheduler, 60_000);
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const deadline = queue.add(() => undefined);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before + 1);
    deadline.cancel();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    queue.add(() => undefined);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before + 1);
    queue.clear();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });
});
