import { describeError } from '@kratos-ts/core/internal';
import type { GrpcHandlerFailure } from './guard-implementation.js';

const AFTERMATH: Readonly<Record<GrpcHandlerFailure, string>> = {
  answered: 'answered INTERNAL',
  replied: 'it had already replied, so nothing more was sent',
  cancelled: 'the call was already cancelled',
  stranded: 'its stream was destroyed and no status could be sent',
};

/**
 * The log line of a failed handler:
 * `gRPC server "grpc": handler failed on /greeter.v1.Greeter/SayHello: boom; answered INTERNAL`.
 */
export function handlerFailureMessage(
  server: string,
  path: string,
  error: unknown,
  failure: GrpcHandlerFailure,
): string {
  return `gRPC server "${server}": handler failed on ${path}: ${describeError(error)}; ${AFTERMATH[failure]}`;
}
