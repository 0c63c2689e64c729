import { describe, expect, it, jest } from '@jest/globals';
import type { sendUnaryData, ServiceDefinition } from '@grpc/grpc-js';
import { guardImplementation, HANDLER_FAILED_STATUS } from '../../src/guard-implementation.js';

// A handler that returned a thenable whose `then` throws (a broken promise library, a proxy) made
// the crash guard itself throw: the failure escaped to grpc-js, which answered UNKNOWN and logged
// nothing, and the failure listener (the server's log line) was never told.
const definition = {
  Unary: { path: '/t.v1.T/Unary', originalName: 'unary', requestStream: false, responseStream: false },
} as unknown as ServiceDefinition;
type Replying = (call: { cancelled: boolean }, callback: sendUnaryData<unknown>) => void;

describe('a gRPC handler returning a thenable whose then() throws', () => {
  it('is answered INTERNAL and reported, and the guard does not throw', () => {
    const failures: unknown[] = [];
    const guarded = guardImplementation(
      definition,
      {
        unary: (): PromiseLike<void> => ({
          then() {
            throw new Error('then is broken');
          },
        }),
      },
      (error, path, failure) => failures.push([error, path, failure]),
    );
    const callback = jest.fn<sendUnaryData<unknown>>();
    expect(() => (guarded.Unary as Replying)({ cancelled: false }, callback)).not.toThrow();
    expect(callback).toHaveBeenCalledWith(HANDLER_FAILED_STATUS);
    expect(failures).toEqual([[new Error('then is broken'), '/t.v1.T/Unary', 'answered']]);
  });
});
