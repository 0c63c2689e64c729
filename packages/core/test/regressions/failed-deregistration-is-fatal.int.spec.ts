import { afterEach, describe, expect, it } from '@jest/globals';
import { ChildApp } from '../support/child-app.js';

// Issue 17, in a real process: SIGTERM with a registrar whose deregister() fails exited 1, though
// every server stopped cleanly. The fixture sets exit code 1 when run() rejects, as a service does.
const children: ChildApp[] = [];
afterEach(() => children.splice(0).forEach((child) => child.kill()));

describe('defect: a failed deregistration is fatal (child process)', () => {
  it('exits 0 after SIGTERM when only the deregistration failed', async () => {
    const child = new ChildApp('app.mjs', { DEREGISTER_FAILS: '1' });
    children.push(child);
    await child.waitFor((l) => l.state === 'running');
    child.child.kill('SIGTERM');
    const exit = await child.exited;
    expect(child.lines.at(-1)).toEqual({ settled: 'resolved' });
    expect(child.lines).toContainEqual({ state: 'stopped', registered: 1 });
    expect(exit).toMatchObject({ code: 0, signal: null });
  });
});
