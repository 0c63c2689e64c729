import { afterEach, describe, expect, it } from '@jest/globals';
import { Client, credentials, status } from '@grpc/grpc-js';
import { Example } from '../support/example-process.js';

// Issue 17: the example served gRPC reflection (the whole API, to anyone) on 0.0.0.0 whatever the
// environment. It now serves it only outside production: NODE_ENV=production turns it off,
// GRPC_REFLECTION=on|off decides explicitly.
const started: Example[] = [];
afterEach(() => started.splice(0).forEach((e) => e.child.exitCode === null && e.child.kill('SIGKILL')));

/** Asks the reflection service to list the services: their names, or the status it failed with. */
async function listServices(address: string): Promise<{ services?: string; code?: number }> {
  const client = new Client(address, credentials.createInsecure());
  try {
    return await new Promise((resolve) => {
      const call = client.makeBidiStreamRequest(
        '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
        (value: Buffer) => value,
        (value: Buffer) => value,
        { deadline: Date.now() + 5_000 },
      );
      // ServerReflectionRequest { list_services = "*" } (field 7, a string).
      call.write(Buffer.from([0x3a, 0x01, 0x2a]));
      call.end();
      call.on('data', (reply: Buffer) => resolve({ services: reply.toString('latin1') }));
      call.on('error', (error: { code: number }) => resolve({ code: error.code }));
    });
  } finally {
    client.close();
  }
}

async function grpcAddressOf(env: Record<string, string>): Promise<string> {
  const example = new Example(env);
  started.push(example);
  const serving = await example.waitFor((l) => l.phase === 'afterStart');
  return serving.endpoints![1]!.slice('grpc://'.length);
}

describe('defect: the example serves gRPC reflection in production', () => {
  it('does not serve reflection with NODE_ENV=production', async () => {
    const outcome = await listServices(await grpcAddressOf({ NODE_ENV: 'production' }));

    expect(outcome).toEqual({ code: status.UNIMPLEMENTED });
  });

  it('serves it outside production, and when GRPC_REFLECTION=on says so in production', async () => {
    const [development, forced] = await Promise.all([
      grpcAddressOf({ NODE_ENV: 'development' }),
      grpcAddressOf({ NODE_ENV: 'production', GRPC_REFLECTION: 'on' }),
    ]);

    expect((await listServices(development)).services).toContain('greeter.v1.Greeter');
    expect((await listServices(forced)).services).toContain('greeter.v1.Greeter');
  });

  it('does not serve it with GRPC_REFLECTION=off outside production', async () => {
    const outcome = await listServices(
      await grpcAddressOf({ NODE_ENV: 'development', GRPC_REFLECTION: 'off' }),
    );

    expect(outcome).toEqual({ code: status.UNIMPLEMENTED });
  });
});
