import type { NetworkInterfaceInfo } from 'node:os';
import { endpointHost } from '@kratos-ts/core';
import { hostPort } from '@kratos-ts/core/internal';

/**
 * The endpoint a gRPC server registers: `grpc://IP:PORT`, or `grpcs://IP:PORT` when `secure` (TLS).
 * A wildcard host is replaced as `endpointHost` does. Pure: pass `os.networkInterfaces()`.
 *
 * @example
 * grpcEndpoint({ secure: false, host: '0.0.0.0', port: 9000, interfaces: os.networkInterfaces() });
 * // 'grpc://10.0.0.5:9000'
 */
export function grpcEndpoint(target: {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  readonly interfaces: NodeJS.Dict<readonly NetworkInterfaceInfo[]>;
}): string {
  const scheme = target.secure ? 'grpcs' : 'grpc';
  return `${scheme}://${hostPort(endpointHost(target.host, target.interfaces), target.port)}`;
}
