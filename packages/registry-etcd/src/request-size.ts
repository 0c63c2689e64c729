import { KratosError } from '@kratos-ts/core';
import { EtcdErrorCode } from './etcd-error-codes.js';

/** etcd's default `--max-request-bytes` (1.5 MiB): the largest request it accepts. */
export const ETCD_MAX_REQUEST_BYTES = 1_572_864;

/**
 * `true` for etcd's refusal of an oversized request: "etcdserver: request is too large" (over
 * `--max-request-bytes`) or gRPC's "received message larger than max" (over that + 512 KiB).
 * etcd3 files the latter as a recoverable network error; it is not one.
 */
export function isRequestTooLarge(error: unknown): boolean {
  return error instanceof Error && /request is too large|message larger than max/i.test(error.message);
}

/**
 * The `KRATOS_ETCD_REQUEST_TOO_LARGE` error for an instance whose put (key and value) would be
 * over `maxRequestBytes`, or `undefined` when it fits. Checked before anything is sent to etcd.
 */
export function oversizedPut(
  key: string,
  shown: string,
  value: string,
  maxRequestBytes: number,
): KratosError | undefined {
  const size = Buffer.byteLength(key) + Buffer.byteLength(value);
  if (size <= maxRequestBytes) return undefined;
  return new KratosError(
    EtcdErrorCode.RequestTooLarge,
    `Cannot register "${shown}" in etcd: its key and value take ${size} bytes, over etcd's request size limit of ${maxRequestBytes} bytes (etcd's --max-request-bytes, ${ETCD_MAX_REQUEST_BYTES} by default; EtcdRegistryOptions.maxRequestBytes). Shorten the service name, id, metadata or endpoints, or raise --max-request-bytes on every etcd member and maxRequestBytes to match.`,
  );
}
