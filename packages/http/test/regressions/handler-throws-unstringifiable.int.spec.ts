import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { ChildApp } from '../support/child-app.js';
import { get, tcpConnect } from '../support/http-client.js';

// Regression: a handler that threw `Object.create(null)` (or an object whose toString throws) got
// its request answered 500, then the crash guard itself threw while describing the error, and the
// app stopped. The guard must never throw, whatever was thrown.
const fixture = fileURLToPath(new URL('../fixtures/handler-crash-server.mjs', import.meta.url));
const apps: ChildApp[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.kill()));
});

describe('a handler that throws a value nobody can print (child process, built dist)', () => {
  it('Object.create(null) thrown or rejected, and a toString that throws: each answered 500 and logged, the process keeps serving, SIGTERM exits 0', async () => {
    const app = ChildApp.start(fixture);
    apps.push(app);
    const { port } = (await app.line('port')) as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const paths = ['/null-prototype', '/bad-to-string', '/reject-null-prototype'];

    const replies = [];
    for (const path of paths) replies.push(await get(`${base}${path}`, { agent: false }));
    await new Promise((resolve) => setTimeout(resolve, 50)); // an uncaught error would have stopped it by now
    const hello = await get(`${base}/hello`, { agent: false });

    expect(app.exitCode).toBeUndefined();
    expect(await tcpConnect(port)).toBe('connected');
    expect(replies.map((r) => [r.status, r.body])).toEqual(paths.map(() => [500, 'Internal Server Error\n']));
    expect([hello.status, hello.body]).toEqual([200, 'hello']);

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.stderr).toBe('');
    const errors = app.lines.filter((line) => 'error' in line);
    expect(errors.map((line) => line.path)).toEqual(paths);
    for (const [i, line] of errors.entries()) {
      expect(line.error).toMatch(
        new RegExp(`^HTTP server "http": handler failed on GET ${paths[i]}: .+; answered 500$`),
      );
    }
    expect(app.lines.slice(-2)).toEqual([{ deregistered: true }, { stopped: true }]);
  });
});
