import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ServerCredentials, ServerInterceptingCall } from '@grpc/grpc-js';
import { isKratosError } from '@kratos-ts/core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrpcErrorCode, GrpcServer } from '../src/index.js';
import { GreeterService, greeterClient, sayHello, type GreeterClient } from './support/greeter.js';

const servers: GrpcServer[] = [];
const clients: GreeterClient[] = [];

function server(...args: ConstructorParameters<typeof GrpcServer>): GrpcServer {
  const made = new GrpcServer(...args);
  servers.push(made);
  return made;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((made) => made.stop(AbortSignal.abort())));
});

describe('GrpcServer on its own', () => {
  it('gives up starting when its signal aborts, leaving nothing bound', async () => {
    const grpc = server({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();

    const starting = grpc.start(controller.signal);
    controller.abort(new Error('start abandoned'));

    await expect(starting).rejects.toThrow('start abandoned');
    expect(grpc.port).toBeUndefined();
    expect(grpc.grpcServer).toBeUndefined();
  });

  it('refuses a second start() with KRATOS_GRPC_ALREADY_STARTED, and starts again after stop()', async () => {
    const grpc = server({ host: '127.0.0.1', port: 0 });
    await grpc.start(new AbortController().signal);

    const again: unknown = await grpc.start(new AbortController().signal).catch((e: unknown) => e);
    expect(isKratosError(again) && again.code).toBe(GrpcErrorCode.AlreadyStarted);
    expect((again as Error).message).toContain(`127.0.0.1:${grpc.port}`);

    await grpc.stop(new AbortController().signal);
    expect(grpc.endpoint()).toBeUndefined();
    await grpc.start(new AbortController().signal);
    expect(grpc.endpoint()).toMatch(/^grpc:\/\/127\.0\.0\.1:\d+$/);
    expect(grpc.health.statusOf('')).toBe('SERVING');
  });

  it('shuts down only once the ended health Watch streams have finished (grpc-js may drop their status otherwise), or at the stop signal', async () => {
    const grpc = server({ host: '127.0.0.1', port: 0 });
    await grpc.start(new AbortController().signal);
    const grpcJs = grpc.grpcServer!;
    const tryShutdown = jest.spyOn(grpcJs, 'tryShutdown');
    let finishWatches: () => void = () => undefined;
    jest
      .spyOn(grpc.health, 'endWatches')
      .mockReturnValue(new Promise<void>((resolve) => (finishWatches = resolve)));

    const stopping = grpc.stop(new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const calledBeforeFinish = tryShutdown.mock.calls.length;
    finishWatches();
    await stopping;

    expect(calledBeforeFinish).toBe(0);
    expect(tryShutdown).toHaveBeenCalledTimes(1);

    // A Watch stream that never finishes holds the stop only until the stop signal aborts.
    await grpc.start(new AbortController().signal);
    jest.spyOn(grpc.health, 'endWatches').mockReturnValue(new Promise<void>(() => undefined));
    const stopAt = performance.now();
    await grpc.stop(AbortSignal.timeout(100));
    expect(performance.now() - stopAt).toBeLessThan(1_000);
    expect(grpc.grpcServer).toBeUndefined();
  });

  it('rejects start() with KRATOS_GRPC_INVALID_OPTIONS when a service is added twice, binding nothing', async () => {
    const implementation = { sayHello: () => undefined, streamHellos: () => undefined };
    const grpc = server({
      host: '127.0.0.1',
      port: 0,
      services: [{ definition: GreeterService, implementation }],
    });
    grpc.addService(GreeterService, implementation);

    const error: unknown = await grpc.start(new AbortController().signal).catch((e: unknown) => e);

    expect(isKratosError(error) && error.code).toBe(GrpcErrorCode.InvalidOptions);
    expect((error as Error).message).toMatch(/^GrpcServer "[^"]+" has invalid options:\n {2}- /);
    expect((error as Error).message).toContain('its services could not be added (Method handler for');
    expect((error as Error).message).toContain('add each service once');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(grpc.port).toBeUndefined();
    expect(grpc.grpcServer).toBeUndefined();
  });

  it('resolves stop() at once when it never started', async () => {
    const grpc = server({ host: '127.0.0.1', port: 0 });

    await expect(grpc.stop(new AbortController().signal)).resolves.toBeUndefined();
    expect(grpc.health.statusOf('')).toBe('NOT_SERVING');
  });

  it('reports a grpcs:// endpoint with TLS credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kratos-grpc-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const credentials = ServerCredentials.createSsl(null, [
        { private_key: readFileSync(join(dir, 'key.pem')), cert_chain: readFileSync(join(dir, 'cert.pem')) },
      ]);
      const grpc = server({ host: '127.0.0.1', port: 0, credentials });

      await grpc.start(new AbortController().signal);

      expect(grpc.endpoint()).toBe(`grpcs://127.0.0.1:${grpc.port}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes options through to grpc-js (a server interceptor sees every call)', async () => {
    const seen: string[] = [];
    const grpc = server({
      host: '127.0.0.1',
      port: 0,
      services: [
        {
          definition: GreeterService,
          implementation: {
            sayHello: (_call: unknown, callback: (e: null, r: object) => void) =>
              callback(null, { message: 'hi' }),
          },
        },
      ],
      options: {
        interceptors: [
          (methodDescriptor, call) => {
            seen.push(methodDescriptor.path);
            return new ServerInterceptingCall(call);
          },
        ],
      },
    });
    await grpc.start(new AbortController().signal);
    const client = greeterClient(grpc.port!);
    clients.push(client);

    await expect(sayHello(client, { name: 'x' })).resolves.toMatchObject({ message: 'hi' });

    expect(seen).toEqual(['/greeter.v1.Greeter/SayHello']);
  });
});
