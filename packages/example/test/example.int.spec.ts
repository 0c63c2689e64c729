import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Example, type LogLine } from './support/example-process.js';

// The example service as a user runs it: its built entry point in a child process, real sockets
// on loopback, a real SIGINT. `npm test` builds before jest runs.
const proto = fileURLToPath(new URL('../proto/greeter.proto', import.meta.url));

const started: Example[] = [];
afterEach(() => started.splice(0).forEach((e) => e.child.exitCode === null && e.child.kill('SIGKILL')));

describe('the example greeter', () => {
  it('serves GET /hello and gRPC SayHello with AppInfo, probes ready, logs every phase, drains on SIGINT and exits 0', async () => {
    const example = new Example({ DRAIN_DELAY_MS: '300' });
    started.push(example);
    const serving = await example.waitFor((l) => l.phase === 'afterStart');
    const [http, grpc] = serving.endpoints ?? [];
    expect(http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(grpc).toMatch(/^grpc:\/\/127\.0\.0\.1:\d+$/);
    await example.waitFor((l) => l.state === 'running');

    const hello = await fetch(`${http}/hello?name=Ada`);
    const body = (await hello.json()) as {
      message: string;
      app: { id: string; name: string; version: string };
    };
    expect(body.message).toBe('hello Ada');
    expect(body.app).toMatchObject({ name: 'greeter', version: '1.0.0' });
    expect(body.app.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${http}/readyz`)).status).toBe(200);

    const definition = loadPackageDefinition(
      loadSync(proto, { keepCase: true, defaults: true }),
    ) as unknown as {
      greeter: { v1: { Greeter: ServiceClientConstructor } };
    };
    const client = new definition.greeter.v1.Greeter(
      grpc!.slice('grpc://'.length),
      credentials.createInsecure(),
    );
    type Reply = { message: string; app: { id: string } };
    const sayHello = client.SayHello as (
      request: object,
      done: (error: Error | null, reply: Reply) => void,
    ) => void;
    const reply = await new Promise<Reply>((resolve, reject) =>
      sayHello.call(client, { name: 'Grace' }, (error, value) => (error ? reject(error) : resolve(value))),
    );
    client.close();
    expect(reply).toMatchObject({ message: 'hello Grace', app: { id: body.app.id } });

    example.child.kill('SIGINT');
    await example.waitFor((l) => l.state === 'stopping');
    // During drainDelay the server still serves, but readiness says go away.
    const duringDrain = await fetch(`${http}/readyz`);
    expect(duringDrain.status).toBe(503);
    expect((await fetch(`${http}/hello?name=late`)).status).toBe(200);
    expect(await example.exited).toBe(0);
    const phases = example.logs.flatMap((l) => (l.phase ? [l.phase] : []));
    expect(phases).toEqual(['beforeStart', 'afterStart', 'beforeStop', 'afterStop']);
    expect(example.logs.at(-1)?.state).toBe('stopped');
  });

  it('fails to start with a coded error naming the port when the HTTP port is taken, and exits 1', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const example = new Example({ PORT: String(port) });
      started.push(example);
      expect(await example.exited).toBe(1);
      const failure = example.logs.find((l) => l.msg === 'the greeter failed') as LogLine & {
        err?: { code?: string; message?: string };
      };
      expect(failure?.err?.code).toBe('KRATOS_START_FAILED');
      expect(failure?.err?.message).toContain(`127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });
});
