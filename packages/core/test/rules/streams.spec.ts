import { describe, expect, it } from '@jest/globals';
import { filter } from 'rxjs';
import { KernelHarness } from '../support/kernel-harness.js';

describe('observables of the kernel', () => {
  it('state$ replays idle before run()', () => {
    const h = new KernelHarness();
    const seen: string[] = [];
    h.kernel.state$.subscribe((state) => seen.push(state));
    expect(seen).toEqual(['idle']);
  });

  it('state$ replays the current state, then every change, and completes after stopped', async () => {
    const h = new KernelHarness({
      options: { name: 'test', drainDelay: 20 },
      servers: [{ name: 'a', start: { ms: 5 }, stop: { ms: 10 } }],
    });
    await h.run(({ expectObservable }) => {
      h.signalAt(50);
      expectObservable(h.kernel.state$).toBe('s 4ms r 44ms t 29ms (p|)', {
        s: 'starting',
        r: 'running',
        t: 'stopping',
        p: 'stopped',
      });
    });
  });

  it('state$ goes starting → stopping → failed on a failed start', async () => {
    const h = new KernelHarness({ servers: [{ name: 'a', start: { ms: 5, fails: new Error('x') } }] });
    await h.run(({ expectObservable }) => {
      expectObservable(h.kernel.state$).toBe('s 4ms (tf|)', { s: 'starting', t: 'stopping', f: 'failed' });
    });
  });

  it('events$ reports each step with its duration, in order, and completes', async () => {
    const h = new KernelHarness({
      options: { name: 'test', drainDelay: 100 },
      servers: [{ name: 'a', start: { ms: 5 }, stop: { ms: 10 } }],
      registrars: [{ name: 'mem', register: { ms: 2 }, deregister: { ms: 3 } }],
    });
    const seen: string[] = [];
    let completedAt = -1;
    await h.run(() => {
      h.signalAt(50);
      h.kernel.events$.pipe(filter((e) => e.type !== 'state')).subscribe({
        next: (e) =>
          seen.push(`${h.scheduler.now()} ${e.type}${'durationMs' in e ? ` ${e.durationMs}` : ''}`),
        complete: () => (completedAt = h.scheduler.now()),
      });
    });
    expect(seen).toEqual([
      '5 server-start 5',
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
