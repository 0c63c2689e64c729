import { describe, expect, it, jest } from '@jest/globals';
import type { sendUnaryData, ServiceDefinition } from '@grpc/grpc-js';
import { guardImplementation, HANDLER_FAILED_STATUS } from '../../src/guard-implementation.js';
import { handlerFailureMessage } from '../../src/handler-failure-message.js';

// The crash guard itself threw when describing or reporting the failure did (a thrown
// Object.create(null), a logger that throws), so a failed handler could still crash the process.
const definition = {
  Unary: {
    path: '/t.v1.T/Unary',
    originalName: 'unary',
    requestStream: false,
    responseStream: false,
  },
} as unknown as ServiceDefinition;
type Replying = (call: { cancelled: boolean }, callback: sendUnaryData<unknown>) => void;

describe('the crash guard never throws', () => {
  it('a handler throwing Object.create(null) is answered INTERNAL and described', () => {
    const messages: string[] = [];
    const guarded = guardImplementation(
      definition,
      {
        unary: () => {
          throw Object.create(null) as Error;
        },
      },
      (error, path, failure) => messages.push(handlerFailureMessage('grpc', path, error, failure)),
    );
    const callback = jest.fn<sendUnaryData<unknown>>();
    expect(() => (guarded.Unary as Replying)({ cancelled: false }, callback)).not.toThrow();
    expect(callback).toHaveBeenCalledWith(HANDLER_FAILED_STATUS);
    expect(messages).toEqual([
      'gRPC server "grpc": handler failed on /t.v1.T/Unary: [object Object], which cannot be turned into a string; answered INTERNAL',
    ]);
  });

  it('a failure listener that throws goes to a process warning, not to the caller', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const guarded = guardImplementation(
        definition,
        {
          unary: () => {
            throw new Error('handler broke');
          },
        },
        () => {
          throw new Error('the log destination is gone');
        },
      );
      const callback = jest.fn<sendUnaryData<unknown>>();
      expect(() => (guarded.Unary as Replying)({ cancelled: false }, callback)).not.toThrow();
      expect(callback).toHaveBeenCalledWith(HANDLER_FAILED_STATUS);
      expect(emitWarning).toHaveBeenCalledWith(
        expect.stringContaining('the log destination is gone'),
        expect.objectContaining({ code: 'KRATOS_GRPC_HANDLER_FAILED' }),
      );
    } finally {
      emitWarning.mockRestore();
    }
  });
});
