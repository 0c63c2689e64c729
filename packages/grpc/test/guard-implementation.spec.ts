import { describe, expect, it, jest } from '@jest/globals';
import type { sendUnaryData, ServiceDefinition } from '@grpc/grpc-js';
import { EventEmitter } from 'node:events';
import {
  guardImplementation,
  HANDLER_FAILED_STATUS,
  type GrpcHandlerFailureListener,
} from '../src/guard-implementation.js';
import { handlerFailureMessage } from '../src/handler-failure-message.js';

const method = (name: string, requestStream: boolean, responseStream: boolean) => ({
  path: `/t.v1.T/${name}`,
  originalName: name.charAt(0).toLowerCase() + name.slice(1),
  requestStream,
  responseStream,
  requestSerialize: (value: unknown) => Buffer.from(String(value)),
  requestDeserialize: (buffer: Buffer) => buffer.toString(),
  responseSerialize: (value: unknown) => Buffer.from(String(value)),
  responseDeserialize: (buffer: Buffer) => buffer.toString(),
});
const definition = {
  Unary: method('Unary', false, false),
  ClientStream: method('ClientStream', true, false),
  ServerStream: method('ServerStream', false, true),
  Bidi: method('Bidi', true, true),
} as unknown as ServiceDefinition;

type Replying = (call: { cancelled: boolean }, callback: sendUnaryData<unknown>) => void;
type Streaming = (call: FakeStream) => void;

/** What a guarded handler sees of a server stream. */
class FakeStream extends EventEmitter {
  cancelled = false;
  writableEnded = false;
  destroyed = false;
  call: { sendStatus: (status: unknown) => void } | undefined;
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('guardImplementation', () => {
  it('finds handlers by name or by originalName, binds them to the implementation, and passes anything else on', () => {
    const implementation = {
      prefix: 'p',
      unary(this: { prefix: string }, _call: unknown, callback: sendUnaryData<unknown>) {
        callback(null, this.prefix);
      },
      ServerStream: 'not a function',
    };
    const guarded = guardImplementation(definition, implementation, jest.fn());
    const callback = jest.fn<sendUnaryData<unknown>>();

    (guarded.Unary as Replying)({ cancelled: false }, callback);

    expect(Object.keys(guarded).sort()).toEqual(['Bidi', 'ClientStream', 'ServerStream', 'Unary']);
    expect(callback).toHaveBeenCalledWith(null, 'p');
    expect(guarded.ServerStream).toBe('not a function');
    expect(guarded.Bidi).toBeUndefined();
  });

  it('answers a throwing replying handler with INTERNAL through its callback, once', () => {
    const error = new Error('boom');
    const onFailure = jest.fn<GrpcHandlerFailureListener>();
    const guarded = guardImplementation(
      definition,
      {
        unary: () => {
          throw error;
        },
      },
      onFailure,
    );
    const callback = jest.fn<sendUnaryData<unknown>>();

    (guarded.Unary as Replying)({ cancelled: false }, callback);

    expect(callback.mock.calls).toEqual([[HANDLER_FAILED_STATUS]]);
    expect(onFailure).toHaveBeenCalledWith(error, '/t.v1.T/Unary', 'answered');
  });

  it('only reports a rejection after the reply, or on a cancelled call', async () => {
    const onFailure = jest.fn<GrpcHandlerFailureListener>();
    const guarded = guardImplementation(
      definition,
      {
        unary: (_call: unknown, callback: sendUnaryData<unknown>) => {
          callback(null, 'done');
          return Promise.reject(new Error('late'));
        },
        clientStream: () => Promise.reject(new Error('gone')),
      },
      onFailure,
    );
    const replied = jest.fn<sendUnaryData<unknown>>();
    const cancelled = jest.fn<sendUnaryData<unknown>>();

    (guarded.Unary as Replying)({ cancelled: false }, replied);
    (guarded.ClientStream as Replying)({ cancelled: true }, cancelled);
    await flush();

    expect(replied.mock.calls).toEqual([[null, 'done']]);
    expect(cancelled).not.toHaveBeenCalled();
    expect(onFailure.mock.calls.map(([, path, failure]) => [path, failure])).toEqual([
      ['/t.v1.T/Unary', 'replied'],
      ['/t.v1.T/ClientStream', 'cancelled'],
    ]);
  });

  it('ends a failing stream through its `error` event, or the call beneath when the stream was destroyed, or reports it stranded', async () => {
    const onFailure = jest.fn<GrpcHandlerFailureListener>();
    const guarded = guardImplementation(
      definition,
      { bidi: () => Promise.reject(new Error('x')) },
      onFailure,
    );
    const live = new FakeStream();
    const errors: unknown[] = [];
    live.on('error', (status) => errors.push(status));
    const destroyed = Object.assign(new FakeStream(), { destroyed: true, call: { sendStatus: jest.fn() } });
    const stranded = Object.assign(new FakeStream(), { destroyed: true });
    const ended = Object.assign(new FakeStream(), { writableEnded: true, destroyed: true });

    for (const call of [live, destroyed, stranded, ended]) (guarded.Bidi as unknown as Streaming)(call);
    await flush();

    expect(errors).toEqual([HANDLER_FAILED_STATUS]);
    expect(destroyed.call.sendStatus).toHaveBeenCalledWith({ ...HANDLER_FAILED_STATUS, metadata: null });
    expect(onFailure.mock.calls.map(([, , failure]) => failure)).toEqual([
      'answered',
      'answered',
      'stranded',
      'replied',
    ]);
  });

  it('returns anything that is not a definition object as it is, for grpc-js to reject', () => {
    const implementation = { unary: () => undefined };
    expect(guardImplementation(null as unknown as ServiceDefinition, implementation, jest.fn())).toBe(
      implementation,
    );
  });
});

describe('handlerFailureMessage', () => {
  it('names the server and method path, describes the error, and says what became of the call', () => {
    expect(handlerFailureMessage('rpc', '/t.v1.T/Unary', new Error('db down'), 'answered')).toBe(
      'gRPC server "rpc": handler failed on /t.v1.T/Unary: db down; answered INTERNAL',
    );
    expect(handlerFailureMessage('rpc', '/t.v1.T/Bidi', 'x', 'stranded')).toBe(
      'gRPC server "rpc": handler failed on /t.v1.T/Bidi: x; its stream was destroyed and no status could be sent',
    );
  });
});
