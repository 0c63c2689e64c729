import { afterEach, describe, expect, it } from '@jest/globals';
import { ChildApp } from '../support/child-app.js';

// Real processes, real signals. The fixture imports the built package (npm test builds first).
const children: ChildApp[] = [];
const app = (env: Record<string, string> = {}): ChildApp => {
  const child = new ChildApp('app.mjs', env);
  children.push(child);
  return child;
};
afterEach(() => children.splice(0).forEach((child) => child.kill()));

describe('signals and process lifetime (child processes)', () => {
  it('exits 0 after a clean stop on SIGTERM, deregistered', async () => {
    const child = app();
    await child.waitFor((l) => l.state === 'running');
    expect(child.lines.find((l) => l.state === 'running')).toEqual({ state: 'running', registered: 1 });
    child.child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(child.lines.at(-1)).toEqual({ settled: 'resolved' });
    expect(child.lines).toContainEqual({ state: 'stopped', registered: 0 });
  });

  it('many servers share their start and stop signals without a MaxListeners warning', async () => {
    const child = app({ EXTRA_SERVERS: '30' });
    await child.waitFor((l) => l.state === 'running');
    child.child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(child.lines.at(-1)).toEqual({ settled: 'resolved' });
    expect(child.stderr).not.toContain('MaxListenersExceededWarning');
  });

  it('an early SIGINT during a slow start aborts the start, registers nothing and exits 0', async () => {
    const child = app({ START_MS: '30000' });
    await child.waitFor((l) => l.state === 'starting');
    child.child.kill('SIGINT');
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(child.lines.some((l) => l.state === 'running')).toBe(false);
    expect(child.lines.every((l) => l.registered === undefined || l.registered === 0)).toBe(true);
    expect(child.lines.at(-1)).toEqual({ settled: 'resolved' });
  });

  it('a second signal while stopping forces the exit at once with a non-zero code', async () => {
    const child = app({ STOP_MS: '30000' });
    await child.waitFor((l) => l.state === 'running');
    child.child.kill('SIGTERM');
    await child.waitFor((l) => l.state === 'stopping');
    const sentAt = Date.now();
    child.child.kill('SIGINT');
    const exit = await child.exited;
    expect(exit.code).toBe(130);
    expect(exit.at - sentAt).toBeLessThan(5_000);
    expect(child.lines.some((l) => 'settled' in l)).toBe(false);
  });

  it('stays alive until run() settles although no server holds a handle, then exits by itself', async () => {
    const child = app({ SELF_STOP_MS: '1500' });
    await child.waitFor((l) => l.state === 'running');
    expect(await child.aliveAfter(500)).toBe(true);
    const exit = await child.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(child.lines.at(-1)).toEqual({ settled: 'resolved' });
  });
});
