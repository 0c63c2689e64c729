import { describe, expect, it } from '@jest/globals';
import { fakeServer, recordingRegistrar, virtualKernel, type VirtualKernel } from '@kratos-ts/testing';
import { filter } from 'rxjs';

/** Subscribes to `state$` now and records `"<virtual ms> <state>"`, then `"<virtual ms> complete"`. */
function statesOf(vk: VirtualKernel): string[] {
  const seen: string[] = [];
  vk.kernel.state$.subscribe({
    next: (state) => seen.push(`${vk.now()} ${state}`),
    complete: () => seen.push(`${vk.now()} complete`),
  });
  return seen;
}

describe('observables of the kernel', () => {
  it('state$ replays idle before run()', () => {
    const vk = virtualKernel();
    const seen: string[] = [];
    vk.kernel.state$.subscribe((state) => seen.push(state));
    expect(seen).toEqual(['idle']);
  });

  it('state$ replays the current state, then every change, and completes after stopped', async () => {
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 20 },
      servers: [fakeServer({ name: 'a', start: { ms: 5 }, stop: { ms: 10 } })],
    });
    let seen: string[] = [];
    await vk.run(() => {
      vk.signalAt(50);
      seen = statesOf(vk); // subscribed once run() was called: the current state is starting
    });
    expect(seen).toEqual(['0 starting', '5 running', '50 stopping', '80 stopped', '80 complete']);
  });

  it('state$ goes starting → stopping → failed on a failed start', async () => {
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'a', start: { ms: 5, fails: new Error('x') } })],
    });
    let seen: string[] = [];
    await vk.run(() => {
      seen = statesOf(vk);
    });
    expect(seen).toEqual(['0 starting', '5 stopping', '5 failed', '5 complete']);
  });

  it('events$ reports each step with its duration, in order, and completes', async () => {
    const vk = virtualKernel({
      options: { name: 'test', drainDelay: 100 },
      servers: [fakeServer({ name: 'a', start: { ms: 5 }, stop: { ms: 10 } })],
      registrars: [recordingRegistrar({ name: 'mem', register: { ms: 2 }, deregister: { ms: 3 } })],
    });
    const seen: string[] = [];
    let completedAt = -1;
    await vk.run(() => {
      vk.signalAt(50);
      vk.kernel.events$.pipe(filter((e) => e.type !== 'state')).subscribe({
        next: (e) => seen.push(`${vk.now()} ${e.type}${'durationMs' in e ? ` ${e.durationMs}` : ''}`),
        complete: () => (completedAt = vk.now()),
      });
    });
    expect(seen).toEqual([
      '5 server-start 5',
      '5 endpoint 0',
      '7 register 2',
      '50 signal',
      '50 stop-requested',
      '53 deregister 3',
      '153 drain 100',
      '163 server-stop 10',
    ]);
    expect(completedAt).toBe(163);
  });
});
