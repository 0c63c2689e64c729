import { KratosError, redact } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
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
export function registerFailure(error: unknown, context: EtcdFailureContext): KratosError {
  const { hosts, key } = shown(context);
  const tls = tlsFailure(error, `register "${key}"`, hosts);
  if (tls) return tls;
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
export function abortedFailure(action: string, reason: unknown, context: EtcdFailureContext): KratosError {
  const { hosts, key } = shown(context);
  return new KratosError(
    EtcdErrorCode.Aborted,
    `${action} "${key}" at etcd ${hosts} was aborted before etcd answered (${describeError(reason)}). If etcd is slow rather than down, raise KratosOptions.registrarTimeout.`,
    { cause: reason },
  );
}

/** The coded error for a failed lease revocation. */
export function deregisterFailure(error: unknown, context: EtcdFailureContext, ttl: number): KratosError {
  const { hosts, key } = shown(context);
  return new KratosError(
    EtcdErrorCode.DeregisterFailed,
    `Could not revoke the lease of "${key}" at etcd ${hosts} (${describeError(error)}); its keepalive is stopped, so the key disappears within ${ttl} s (ttl). Check that etcd is reachable.`,
    { cause: error },
  );
}

/** The coded error for a failed read of a service's instances. */
export function queryFailure(error: unknown, context: EtcdFailureContext): KratosError {
  const { hosts, key } = shown(context);
  const tls = tlsFailure(error, `read the instances under "${key}"`, hosts);
  if (tls) return tls;
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

// What grpc-js reports when the TLS handshake fails (it surfaces as UNAVAILABLE, like an outage).
const TLS_CAUSE =
  /\bTLS\b|\bSSL\b|certificate|self[- ]signed|unable to verify|wrong version number|handshake|tlsv1 alert|altnames/i;

/** The context as messages show it: hosts without their userinfo, whatever handed them over. */
function shown({ hosts, key }: EtcdFailureContext): EtcdFailureContext {
  return { hosts: redact(hosts), key };
}

// A TLS failure named as one: raising a timeout cannot fix a CA, a certificate or a scheme.
function tlsFailure(error: unknown, action: string, hosts: string): KratosError | undefined {
  const detail = describeError(error);
  if (!TLS_CAUSE.test(detail)) return undefined;
  return new KratosError(
    EtcdErrorCode.Tls,
    `Could not ${action} at etcd ${hosts}: the TLS handshake failed (${redact(detail)}). Check EtcdRegistryOptions.credentials (rootCertificate must be the CA that signed etcd's certificate, privateKey and certChain a client certificate etcd trusts), that the certificate is valid for the host as written in hosts, and that the hosts' scheme (http:// or https://) matches etcd's --listen-client-urls.`,
    { cause: error },
  );
}
