import { afterEach, describe, expect, it } from '@jest/globals';
import { ChildApp } from '../support/child-app.js';

// A real process whose server's endpoint() never settles, and a real SIGTERM: the kernel used to
// sit in `stopping` with the server never stopped, and only SIGKILL ended the process.
const children: ChildApp[] = [];
afterEach(() => children.splice(0).forEach((child) => child.kill()));

/** The fixture's stopTimeout plus the 1 s after which a stop is abandoned: the documented bound. */
const STOP_BOUND_MS = 5_000 + 1_000;

describe('an endpoint() that never settles (child process)', () => {
  it('SIGTERM while it hangs stops the started server and the process exits 0 within the stop bounds', async () => {
    const child = new ChildApp('app.mjs', { ENDPOINT_HANGS: '1' });
    children.push(child);
    await child.waitFor((l) => l.endpoint === 'asked');
    const sentAt = Date.now();
    child.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      child.exited,
      new Promise<'alive'>((resolve) => (timer = setTimeout(() => resolve('alive'), STOP_BOUND_MS + 2_000))),
    ]);
    clearTimeout(timer);
    expect(exit).not.toBe('alive');
    if (exit === 'alive') return;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeLessThan(STOP_BOUND_MS);
    expect(child.lines).toContainEqual({ stop: 'called' });
    expect(child.lines.some((l) => l.state === 'running')).toBe(false);
    expect(child.lines.at(-1)).toEqual({ settled: 'resolved' });
  }, 20_000);
});
