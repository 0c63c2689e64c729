import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { ChildApp } from '../support/child-app.js';
import { get, tcpConnect } from '../support/http-client.js';

// Regression: a handler that wrote after `end()` made its response emit `ERR_STREAM_WRITE_AFTER_END`
// with nobody listening: an uncaught exception. One such request stopped the instance (exit 1), two
// in a row exited the process at once and cut every request in flight.
const fixture = fileURLToPath(new URL('../fixtures/handler-crash-server.mjs', import.meta.url));
const apps: ChildApp[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.kill()));
});

describe('a response that errors is its request’s problem (child process, built dist)', () => {
  it('two writes after end() in a row, with a request in flight: both logged with method and path, the process keeps serving, and SIGTERM then exits 0', async () => {
    const app = ChildApp.start(fixture);
    apps.push(app);
    const { port } = (await app.line('port')) as { port: number };
    const base = `http://127.0.0.1:${port}`;

    const slow = get(`${base}/slow`, { agent: false });
    await new Promise((resolve) => setTimeout(resolve, 20)); // /slow is in its handler
    const first = await get(`${base}/write-after-end?token=abc`, { agent: false });
    const second = await get(`${base}/write-after-end`, { agent: false });
    await new Promise((resolve) => setTimeout(resolve, 50)); // an uncaught error would have stopped it by now
    const hello = await get(`${base}/hello`, { agent: false });

    expect(app.exitCode).toBeUndefined();
    expect(await tcpConnect(port)).toBe('connected');
    expect([first.status, first.body]).toEqual([200, 'done']);
    expect([second.status, second.body]).toEqual([200, 'done']);
    expect([hello.status, hello.body]).toEqual([200, 'hello']);
    await expect(slow).resolves.toMatchObject({ status: 200, body: 'slow' });

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.stderr).toBe('');
    const line = {
      error:
        'HTTP server "http": handler failed on GET /write-after-end: write after end; the response had already ended',
      path: '/write-after-end',
    };
    expect(app.lines.filter((l) => 'error' in l)).toEqual([line, line]);
    expect(app.lines.slice(-2)).toEqual([{ deregistered: true }, { stopped: true }]);
  });
});
