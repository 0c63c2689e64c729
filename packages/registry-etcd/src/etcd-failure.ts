import { describeError, KratosError } from '@kratos-ts/core';
import {
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
  isRecoverableError,
} from 'etcd3';
import { EtcdErrorCode } from './etcd-error-codes.js';
import { isRequestTooLarge } from './request-size.js';

/** What was being done when etcd failed, to name it in the error. */
export interface EtcdFailureContext {
  /** The registry's hosts, as text. */
  readonly hosts: string;
  /** The key or prefix at stake, as `shownKey` shows it. */
  readonly key: string;
}

const TOO_LARGE_HINT =
  "Shorten the service name, id, metadata or endpoints, or raise etcd's --max-request-bytes on every member (gRPC refuses messages above it + 512 KiB) and EtcdRegistryOptions.maxRequestBytes to match.";

/** `true` for errors that mean etcd did not answer (down, unreachable, too slow). */
export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof GRPCUnavailableError ||
    error instanceof GRPCDeadlineExceededError ||
    error instanceof GRPCCancelledError ||
    (error instanceof Error && isRecoverableError(error))
  );
}

/** The coded error for a failed registration, naming the hosts and the key and saying how to fix it. */
export function registerFailure(error: unknown, { hosts, key }: EtcdFailureContext): KratosError {
  // etcd3 counts gRPC's "message larger than max" as a network error: it is etcd's size limit.
  if (isRequestTooLarge(error)) {
    return new KratosError(
      EtcdErrorCode.RequestTooLarge,
      `etcd at ${hosts} refused to register "${key}": the request is over its request size limit (${describeError(error)}). ${TOO_LARGE_HINT}`,
      { cause: error },
    );
  }
  if (isUnavailable(error)) {
    return new KratosError(
      EtcdErrorCode.Unavailable,
      `etcd at ${hosts} did not answer while registering "${key}" (${describeError(error)}). Check that etcd runs and is reachable at these hosts, or raise EtcdRegistryOptions.requestTimeout.`,
      { cause: error },
    );
  }
  return new KratosError(
    EtcdErrorCode.RegisterFailed,
    `etcd at ${hosts} refused to register "${key}": ${describeError(error)}. Check the etcd user's permissions on the key, and the auth and credentials options.`,
    { cause: error },
  );
}

/** The coded error for a call whose signal aborted before etcd answered. */
export function abortedFailure(
  action: string,
  reason: unknown,
  { hosts, key }: EtcdFailureContext,
): KratosError {
  return new KratosError(
    EtcdErrorCode.Aborted,
    `${action} "${key}" at etcd ${hosts} was aborted before etcd answered (${describeError(reason)}). If etcd is slow rather than down, raise KratosOptions.registrarTimeout.`,
    { cause: reason },
  );
}

/** The coded error for a failed lease revocation. */
export function deregisterFailure(
  error: unknown,
  { hosts, key }: EtcdFailureContext,
  ttl: number,
): KratosError {
  return new KratosError(
    EtcdErrorCode.DeregisterFailed,
    `Could not revoke the lease of "${key}" at etcd ${hosts} (${describeError(error)}); its keepalive is stopped, so the key disappears within ${ttl} s (ttl). Check that etcd is reachable.`,
    { cause: error },
  );
}

/** The coded error for a failed read of a service's instances. */
export function queryFailure(error: unknown, { hosts, key }: EtcdFailureContext): KratosError {
  if (isRequestTooLarge(error)) {
    return new KratosError(
      EtcdErrorCode.RequestTooLarge,
      `Could not read the instances under "${key}" from etcd ${hosts}: the request is over etcd's request size limit (${describeError(error)}). Use a shorter service name.`,
      { cause: error },
    );
  }
  return new KratosError(
    EtcdErrorCode.QueryFailed,
    `Could not read the instances under "${key}" from etcd ${hosts} (${describeError(error)}). Check that etcd is reachable and the user may read the namespace.`,
    { cause: error },
  );
}
