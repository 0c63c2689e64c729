import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { fakeKernelView, recordingLogger, type RecordingLogger } from '@kratos-ts/testing';
import { GrpcWarningCode, GrpcServer } from '../src/index.js';
import {
  bidi,
  clientStream,
  Failing,
  failingClient,
  FailingService,
  serverStream,
  unary,
  type Answer,
  type Ask,
  type FailingClient,
} from './support/failing.js';

const servers: GrpcServer[] = [];
const clients: FailingClient[] = [];
const INTERNAL = { code: status.INTERNAL, details: 'Internal server error' };

/** A started GrpcServer named "rpc" serving `Failing` on 127.0.0.1:0, and a client of it. */
async function serveFailing(
  options: { readonly logger?: RecordingLogger; readonly implementation?: object } = {},
): Promise<FailingClient> {
  const server = new GrpcServer({
    host: '127.0.0.1',
    port: 0,
    name: 'rpc',
    services: [{ definition: FailingService, implementation: options.implementation ?? new Failing() }],
  });
  if (options.logger) server.attachKernel(fakeKernelView({ logger: options.logger }));
  servers.push(server);
  await server.start(new AbortController().signal);
  const client = failingClient(server.port ?? 0);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.stop(AbortSignal.abort())));
  jest.restoreAllMocks();
});

describe('GrpcServer when a handler fails (real client and server on 127.0.0.1)', () => {
  it('a unary handler that throws ends its call with INTERNAL and safe details, is logged with the method path, and the server keeps serving', async () => {
    const logger = recordingLogger();
    const client = await serveFailing({ logger });

    const failed = await unary(client, 'throw');
    const next = await unary(client, 'ok');

    expect(failed).toEqual({ answers: [], ...INTERNAL });
    expect(next).toEqual({ answers: ['answer ok'], code: status.OK, details: 'OK' });
    const [record, ...more] = logger.records.filter((r) => r.level === 'error');
    expect(more).toEqual([]);
    expect(record?.msg).toBe(
      'gRPC server "rpc": handler failed on /failing.v1.Failing/Unary: throw failed: secret=s3cr3t; answered INTERNAL',
    );
    expect(record?.fields).toEqual({
      err: expect.objectContaining({ message: 'throw failed: secret=s3cr3t' }),
      method: '/failing.v1.Failing/Unary',
      server: 'rpc',
      code: 'KRATOS_GRPC_HANDLER_FAILED',
    });
  });

  it('an async unary handler that rejects ends its call with INTERNAL (grpc-js alone would leave an unhandled rejection)', async () => {
    const logger = recordingLogger();
    const client = await serveFailing({ logger });

    expect(await unary(client, 'reject')).toEqual({ answers: [], ...INTERNAL });
    expect(await unary(client, 'ok')).toMatchObject({ code: status.OK });
    expect(logger.messages('error')).toEqual([
      'gRPC server "rpc": handler failed on /failing.v1.Failing/Unary: reject failed: secret=s3cr3t; answered INTERNAL',
    ]);
  });

  it('a rejection after the handler replied leaves the reply as it was and is logged', async () => {
    const logger = recordingLogger();
    const client = await serveFailing({ logger });

    expect(await unary(client, 'reply-then-reject')).toEqual({
      answers: ['answer reply-then-reject'],
      code: status.OK,
      details: 'OK',
    });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the rejection comes 5 ms after the reply
    expect(logger.messages('error')).toEqual([
      'gRPC server "rpc": handler failed on /failing.v1.Failing/Unary: reply-then-reject failed: secret=s3cr3t; it had already replied, so nothing more was sent',
    ]);
  });

  it('a client-streaming handler that rejects ends its call with INTERNAL', async () => {
    const logger = recordingLogger();
    const client = await serveFailing({ logger });

    expect(await clientStream(client, ['ok', 'reject'])).toEqual({ answers: [], ...INTERNAL });
    expect(await clientStream(client, ['ok', 'ok'])).toMatchObject({
      answers: ['answer ok,ok'],
      code: status.OK,
    });
    expect(logger.records.find((r) => r.level === 'error')?.fields).toMatchObject({
      method: '/failing.v1.Failing/ClientStream',
    });
  });

  it('a server-streaming handler that throws ends the stream with INTERNAL', async () => {
    const logger = recordingLogger();
    const client = await serveFailing({ logger });

    expect(await serverStream(client, 'throw')).toEqual({ answers: [], ...INTERNAL });
    expect(logger.messages('error')).toEqual([
      'gRPC server "rpc": handler failed on /failing.v1.Failing/ServerStream: throw failed: secret=s3cr3t; answered INTERNAL',
    ]);
  });

  it('a server-streaming handler that rejects mid-stream: the messages sent arrive, then INTERNAL', async () => {
    const client = await serveFailing({ logger: recordingLogger() });

    expect(await serverStream(client, 'reject')).toEqual({ answers: ['answer 1', 'answer 2'], ...INTERNAL });
    expect(await serverStream(client, 'ok')).toEqual({
      answers: ['answer 1'],
      code: status.OK,
      details: 'OK',
    });
  });

  it('a server-streaming handler that rejects after ending its stream leaves the stream OK', async () => {
    const logger = recordingLogger();
    const client = await serveFailing({ logger });

    expect(await serverStream(client, 'reply-then-reject')).toEqual({
      answers: ['answer 1', 'answer 2'],
      code: status.OK,
      details: 'OK',
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logger.messages('error')[0]).toMatch(/it had already replied, so nothing more was sent$/);
  });

  it('a bidi handler that rejects ends the stream with INTERNAL after what it wrote', async () => {
    const client = await serveFailing({ logger: recordingLogger() });

    expect(await bidi(client, ['ok', 'reject'])).toEqual({ answers: ['answer ok'], ...INTERNAL });
    expect(await bidi(client, ['ok', 'ok'])).toEqual({
      answers: ['answer ok', 'answer ok'],
      code: status.OK,
      details: 'OK',
    });
  });

  it('a bidi handler whose `for await` over the call a throw exits (which destroys the stream) still ends it with INTERNAL', async () => {
    const logger = recordingLogger();
    const client = await serveFailing({
      logger,
      implementation: {
        async bidi(call: AsyncIterable<Ask> & { write(answer: Answer): void }) {
          for await (const ask of call) {
            if (ask.mode === 'reject') throw new Error('bidi failed');
            call.write({ text: ask.mode });
          }
        },
      },
    });

    expect(await bidi(client, ['ok', 'reject'])).toEqual({ answers: ['ok'], ...INTERNAL });
    expect(logger.messages('error')[0]).toBe(
      'gRPC server "rpc": handler failed on /failing.v1.Failing/Bidi: bidi failed; answered INTERNAL',
    );
  });

  it('leaves what a handler answers on purpose alone, and a method without a handler is UNIMPLEMENTED', async () => {
    const logger = recordingLogger();
    const client = await serveFailing({
      logger,
      implementation: {
        unary: (_call: unknown, callback: (error: object) => void) =>
          callback({ code: status.NOT_FOUND, details: 'no such thing' }),
      },
    });

    expect(await unary(client, 'ok')).toEqual({
      answers: [],
      code: status.NOT_FOUND,
      details: 'no such thing',
    });
    expect(await serverStream(client, 'ok')).toMatchObject({ code: status.UNIMPLEMENTED });
    expect(logger.records).toEqual([]);
  });

  it('standalone (no kernel), the failure is a process warning with code KRATOS_GRPC_HANDLER_FAILED', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const client = await serveFailing();

    expect(await unary(client, 'reject')).toEqual({ answers: [], ...INTERNAL });
    expect(warn).toHaveBeenCalledWith(
      'gRPC server "rpc": handler failed on /failing.v1.Failing/Unary: reject failed: secret=s3cr3t; answered INTERNAL',
      { code: GrpcWarningCode.HandlerFailed },
    );
  });
});
