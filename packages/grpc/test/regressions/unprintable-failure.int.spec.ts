import { afterEach, describe, expect, it } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { fileURLToPath } from 'node:url';
import { ChildApp } from '../../../http/test/support/child-app.js';
import { failingClient, unary, type FailingClient, type Mode } from '../support/failing.js';

// A handler throwing a value that cannot be turned into a string (`Object.create(null)`, an object
// whose toString throws), or a logger that throws: the client got INTERNAL, then the crash guard
// itself threw (describing the error, or logging it) and the app stopped.
const fixture = fileURLToPath(new URL('../fixtures/unprintable-failure-server.mjs', import.meta.url));
const apps: ChildApp[] = [];
const clients: FailingClient[] = [];
const INTERNAL = { answers: [], code: status.INTERNAL, details: 'Internal server error' };

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(apps.splice(0).map((app) => app.kill()));
});

async function failThenServe(env: Record<string, string>): Promise<ChildApp> {
  const app = ChildApp.start(fixture, env);
  apps.push(app);
  const { port } = (await app.line('port')) as { port: number };
  const client = failingClient(port);
  clients.push(client);
  expect(await unary(client, 'null-proto' as Mode)).toEqual(INTERNAL);
  expect(await unary(client, 'bad-tostring' as Mode)).toEqual(INTERNAL);
  await new Promise((resolve) => setTimeout(resolve, 100)); // a throwing guard would have stopped it by now
  expect(await unary(client, 'ok')).toEqual({ answers: ['ok'], code: status.OK, details: 'OK' });
  expect(app.exitCode).toBeUndefined();
  expect(app.lines.filter((line) => 'state' in line)).toEqual([
    { state: 'idle' },
    { state: 'starting' },
    { state: 'running' },
  ]);
  client.close();
  app.child.kill('SIGTERM');
  expect(await app.exited).toBe(0);
  expect(app.lines.at(-1)).toEqual({ settled: 'resolved' });
  return app;
}

describe('gRPC handler failures that cannot be described or logged (child process, built dist)', () => {
  it('a thrown value that cannot be turned into a string: INTERNAL, and the app keeps serving', async () => {
    await failThenServe({});
  });

  it('a logger that throws: INTERNAL, the app keeps serving, and the lifecycle ends cleanly', async () => {
    const app = await failThenServe({ LOGGER_THROWS: '1' });
    expect(app.stderr).not.toContain('KRATOS_GRPC_HANDLER_FAILED');
  });
});
