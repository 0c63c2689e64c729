/**
 * Every code a `KratosError` thrown by `@kratos-ts/registry-etcd` can carry. Stable: match on these,
 * not on messages.
 */
export const EtcdErrorCode = {
  /** The registry's options are invalid (no hosts, a TTL below 2 s, a bad namespace…). */
  InvalidOptions: 'KRATOS_ETCD_INVALID_OPTIONS',
  /** The instance cannot be stored under the key layout (empty name or id, or one holding `/`). */
  InvalidInstance: 'KRATOS_ETCD_INVALID_INSTANCE',
  /** etcd did not answer (unreachable hosts, deadline exceeded); the message names the hosts. */
  Unavailable: 'KRATOS_ETCD_UNAVAILABLE',
  /** etcd answered with an error (permission denied, auth failed…) while registering. */
  RegisterFailed: 'KRATOS_ETCD_REGISTER_FAILED',
  /** Revoking the instance's lease failed; the key disappears when the lease's TTL runs out. */
  DeregisterFailed: 'KRATOS_ETCD_DEREGISTER_FAILED',
  /**
   * A request is over etcd's request size limit (`--max-request-bytes`, 1.5 MiB by default), e.g.
   * a service name of megabytes: refused before sending, or by etcd. The message names the sizes.
   */
  RequestTooLarge: 'KRATOS_ETCD_REQUEST_TOO_LARGE',
  /**
   * The TLS handshake with etcd failed (unknown CA, hostname mismatch, a plaintext etcd called over
   * `https`, a client certificate refused…): the message names the TLS cause; check `credentials`
   * and the hosts' scheme.
   */
  Tls: 'KRATOS_ETCD_TLS_FAILED',
  /** Reading the instances of a service failed. */
  QueryFailed: 'KRATOS_ETCD_QUERY_FAILED',
  /** The call's AbortSignal aborted before etcd answered. */
  Aborted: 'KRATOS_ETCD_ABORTED',
  /** The registry was used after `close()`. */
  Closed: 'KRATOS_ETCD_CLOSED',
} as const;

/** One of the `EtcdErrorCode` values. */
export type EtcdErrorCode = (typeof EtcdErrorCode)[keyof typeof EtcdErrorCode];
