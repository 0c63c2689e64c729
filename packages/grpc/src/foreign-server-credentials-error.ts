import { KratosError } from '@kratos-ts/core';
import { describeGrpcJsCopy, KEEP_ONE_GRPC_JS } from './grpc-js-copy/describe-grpc-js-copy.js';
import { locateGrpcJs } from './grpc-js-copy/locate-grpc-js.js';
import { ourGrpcJs } from './grpc-js-copy/our-grpc-js.js';
import { GrpcErrorCode } from './grpc-error-codes.js';

/**
 * The `KRATOS_GRPC_FOREIGN_GRPC_JS` error for ServerCredentials of another copy of `@grpc/grpc-js`,
 * naming the server, both copies and how to keep one. grpc-js itself would only throw "creds must
 * be a ServerCredentials object" from `bindAsync`.
 */
export function foreignServerCredentialsError(server: string, credentials: object): KratosError {
  const equals = (credentials as { _equals?: unknown })._equals;
  const theirs =
    typeof equals === 'function' ? locateGrpcJs((probe) => equals.call(credentials, probe)) : undefined;
  return new KratosError(
    GrpcErrorCode.ForeignGrpcJs,
    `GrpcServer "${server}": its credentials were made by another copy of @grpc/grpc-js than the one @kratos-ts/grpc serves with, and grpc-js takes only credentials of its own copy. @kratos-ts/grpc uses ${describeGrpcJsCopy(ourGrpcJs())}; the credentials come from ${describeGrpcJsCopy(theirs)}. ${KEEP_ONE_GRPC_JS}`,
  );
}
