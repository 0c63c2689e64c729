import { afterEach, describe, expect, it } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { fileURLToPath } from 'node:url';
import { ChildApp } from '../../http/test/support/child-app.js';
import { bidi, failingClient, serverStream, unary, type FailingClient } from './support/failing.js';

const fixture = fileURLToPath(new URL('./fixtures/handler-crash-server.mjs', import.meta.url));
const apps: ChildApp[] = [];
const clients: FailingClient[] = [];
const INTERNAL = { code: status.INTERNAL, details: 'Internal server error' };

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(apps.splice(0).map((app) => app.kill()));
});

describe('a failing gRPC handler does not take the process down (child process, built dist)', () => {
  it('throws and rejections end their calls with INTERNAL, the server keeps serving, and SIGTERM stops it with exit 0 after deregistering', async () => {
    const app = ChildApp.start(fixture);
    apps.push(app);
    const { port } = (await app.line('port')) as { port: number };
    const client = failingClient(port);
    clients.push(client);

    const thrown = await unary(client, 'throw');
    const rejected = await unary(client, 'reject');
    const stream = await serverStream(client, 'reject');
    const duplex = await bidi(client, ['ok', 'reject']);
    await new Promise((resolve) => setTimeout(resolve, 50)); // an unhandled rejection would have killed it by now
    const ok = await unary(client, 'ok');

    expect(app.exitCode).toBeUndefined();
    expect(thrown).toEqual({ answers: [], ...INTERNAL });
    expect(rejected).toEqual({ answers: [], ...INTERNAL });
    expect(stream).toEqual({ answers: ['first'], ...INTERNAL });
    expect(duplex).toEqual({ answers: ['ok'], ...INTERNAL });
    expect(ok).toEqual({ answers: ['ok'], code: status.OK, details: 'OK' });

    client.close();
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.stderr).toBe('');
    const method = (name: string): string => `/failing.v1.Failing/${name}`;
    expect(app.lines.filter((line) => 'error' in line)).toEqual([
      {
        error: `gRPC server "grpc": handler failed on ${method('Unary')}: sync failure; answered INTERNAL`,
        method: method('Unary'),
      },
      {
        error: `gRPC server "grpc": handler failed on ${method('Unary')}: async failure; answered INTERNAL`,
        method: method('Unary'),
      },
      {
        error: `gRPC server "grpc": handler failed on ${method('ServerStream')}: stream failure; answered INTERNAL`,
        method: method('ServerStream'),
      },
      {
        error: `gRPC server "grpc": handler failed on ${method('Bidi')}: bidi failure; answered INTERNAL`,
        method: method('Bidi'),
      },
    ]);
    expect(app.lines.slice(-2)).toEqual([{ deregistered: true }, { stopped: true }]);
  });
});
