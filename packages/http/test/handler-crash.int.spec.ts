import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { ChildApp } from './support/child-app.js';
import { get } from './support/http-client.js';

const fixture = fileURLToPath(new URL('./fixtures/handler-crash-server.mjs', import.meta.url));
const apps: ChildApp[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.kill()));
});

describe('a failing handler does not take the process down (child process, built dist)', () => {
  it('a throw and a rejection answer 500, a request in flight and later ones complete, and SIGTERM still stops it with exit 0 after deregistering', async () => {
    const app = ChildApp.start(fixture);
    apps.push(app);
    const { port } = (await app.line('port')) as { port: number };
    const base = `http://127.0.0.1:${port}`;

    const slow = get(`${base}/slow`, { agent: false });
    await new Promise((resolve) => setTimeout(resolve, 20)); // /slow is in its handler
    const thrown = await get(`${base}/throw?token=abc`, { agent: false });
    const rejected = await get(`${base}/reject`, { agent: false });
    await new Promise((resolve) => setTimeout(resolve, 50)); // an unhandled failure would have killed it by now
    const hello = await get(`${base}/hello`, { agent: false });

    expect(app.exitCode).toBeUndefined();
    expect([thrown.status, thrown.body]).toEqual([500, 'Internal Server Error\n']);
    expect([rejected.status, rejected.body]).toEqual([500, 'Internal Server Error\n']);
    expect([hello.status, hello.body]).toEqual([200, 'hello']);
    await expect(slow).resolves.toMatchObject({ status: 200, body: 'slow' });

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.stderr).toBe('');
    expect(app.lines.filter((line) => 'error' in line)).toEqual([
      {
        error: 'HTTP server "http": handler failed on GET /throw: sync failure; answered 500',
        path: '/throw',
      },
      {
        error: 'HTTP server "http": handler failed on GET /reject: async failure; answered 500',
        path: '/reject',
      },
    ]);
    expect(app.lines.slice(-2)).toEqual([{ deregistered: true }, { stopped: true }]);
  });
});
