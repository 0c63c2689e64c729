import type { ServerCredentials } from '@grpc/grpc-js';
import { KratosError } from '@kratos-ts/core';
import { tlsMaterialProblem, type TlsMaterialProblem } from '@kratos-ts/core/internal';
import type { SecureContextOptions } from 'node:tls';
import { GrpcErrorCode } from './grpc-error-codes.js';

// The names `ServerCredentials.createSsl(rootCerts, [{ private_key, cert_chain }])` gives them.
const GRPC_NAMES: Readonly<Record<TlsMaterialProblem['part'], string>> = {
  key: 'private_key',
  cert: 'cert_chain',
  ca: 'rootCerts',
  'key and cert': 'private_key and cert_chain',
};

/**
 * The coded `KRATOS_GRPC_TLS_INVALID` error for secure `credentials` whose key, certificate chain
 * or root certificates are unusable (naming the server and which of them), or `undefined` when
 * they are usable or not TLS credentials kratos-ts can read. grpc-js itself would only fail the
 * bind, and it accepts root certificates that are no certificate.
 */
export function grpcServerTlsError(
  name: string,
  credentials: ServerCredentials | undefined,
): KratosError | undefined {
  const material = secureContextOptions(credentials);
  const problem = material ? tlsMaterialProblem(material) : undefined;
  if (!problem) return undefined;
  return new KratosError(
    GrpcErrorCode.TlsInvalid,
    `gRPC server "${name}" cannot serve TLS with its credentials (ServerCredentials.createSsl): their ${GRPC_NAMES[problem.part]} ${problem.detail}.`,
    { cause: problem.cause },
  );
}

// grpc-js keeps createSsl's material as the secure context options of its credentials.
function secureContextOptions(credentials: ServerCredentials | undefined): SecureContextOptions | undefined {
  if (!credentials?._isSecure()) return undefined;
  const read = (credentials as { _getSecureContextOptions?: () => unknown })._getSecureContextOptions;
  if (typeof read !== 'function') return undefined;
  try {
    const options = read.call(credentials);
    return typeof options === 'object' && options !== null ? options : undefined;
  } catch {
    return undefined;
  }
}
