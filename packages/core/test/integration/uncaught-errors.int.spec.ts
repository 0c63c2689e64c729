import { afterEach, describe, expect, it } from '@jest/globals';
import { ChildApp } from '../support/child-app.js';

// Real processes, real uncaught errors. The fixture imports the built package (npm test builds first).
const children: ChildApp[] = [];
const app = (env: Record<string, string> = {}): ChildApp => {
  const child = new ChildApp('uncaught-app.mjs', env);
  children.push(child);
  return child;
};
afterEach(() => children.splice(0).forEach((child) => child.kill()));

const states = (child: ChildApp): unknown[] => child.lines.flatMap((l) => ('state' in l ? [l.state] : []));

describe('uncaught errors (child processes)', () => {
  it('a request handler that throws stops the app gracefully: in-flight requests finish, exit code 1', async () => {
    const child = app({ FAULT: 'handler' });
    await child.waitFor((l) => l.state === 'running');
    const port = child.lines.find((l) => 'port' in l)?.port as number;
    const slow = fetch(`http://127.0.0.1:${port}/slow`).then(async (res) => [res.status, await res.text()]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The throwing handler never answers; its connection is cut at stopTimeout.
    fetch(`http://127.0.0.1:${port}/throw`).catch(() => undefined);
    expect(await slow).toEqual([200, 'slow done']);
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(states(child)).toEqual(['idle', 'starting', 'running', 'stopping', 'failed']);
    expect(child.lines.at(-1)).toEqual({
      settled: 'rejected',
      code: 'KRATOS_UNCAUGHT_ERROR',
      cause: 'handler broke',
    });
  });

  it('a timer that throws stops the app gracefully and exits with code 1', async () => {
    const child = app({ FAULT: 'timer' });
    const exit = await child.exited;
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(states(child)).toEqual(['idle', 'starting', 'running', 'stopping', 'failed']);
    expect(child.lines.at(-1)).toEqual({
      settled: 'rejected',
      code: 'KRATOS_UNCAUGHT_ERROR',
      cause: 'timer broke',
    });
  });

  it('an async function that rejects unhandled stops the app gracefully and exits with code 1', async () => {
    const child = app({ FAULT: 'reject' });
    const exit = await child.exited;
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(states(child)).toEqual(['idle', 'starting', 'running', 'stopping', 'failed']);
    expect(child.lines.at(-1)).toEqual({
      settled: 'rejected',
      code: 'KRATOS_UNCAUGHT_ERROR',
      cause: 'async broke',
    });
  });

  it('a second uncaught error during that stop exits at once with code 1', async () => {
    const child = app({ FAULT: 'timer', SECOND_FAULT: '1' });
    await child.waitFor((l) => l.state === 'stopping');
    const stoppingAt = Date.now();
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    // The server's stop never ends by itself: only the second error ends the process.
    expect(exit.at - stoppingAt).toBeLessThan(1_400);
    expect(child.lines.some((l) => 'settled' in l)).toBe(false);
  });

  it("with uncaughtErrors 'ignore', Node's default applies: the error is printed and the process exits 1 at once", async () => {
    const child = app({ FAULT: 'timer', UNCAUGHT: 'ignore' });
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(states(child)).toEqual(['idle', 'starting', 'running']);
    expect(child.lines.some((l) => 'settled' in l)).toBe(false);
    expect(child.stderr).toContain('timer broke');
  });
});
