import { Etcd3 } from 'etcd3';
import type { BackoffOptions } from './backoff.js';
import { etcdCallTracker, type EtcdCallTracker } from './etcd-call-tracker.js';
import type { EtcdRegistryOptions } from './etcd-registry-options.js';
import { boundedRetryPolicy, passThroughPolicy, watchBackoff } from './fault-handling.js';

/**
 * gRPC channel options that make a reconnect quick: a private subchannel per client (gRPC would
 * otherwise share one, with its backoff, between clients), and reconnect backoff capped at 1 s
 * instead of gRPC's 120 s. HTTP/2 pings every 6 s while a call is open (etcd refuses pings more
 * often than every 5 s, `--grpc-keepalive-min-time`), unanswered after 2 s, drop the connection:
 * a frozen etcd (SIGSTOP, a dead host) is then seen as a disconnection instead of a silent stall.
 */
export const GRPC_OPTIONS = Object.freeze({
  'grpc.use_local_subchannel_pool': 1,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
  'grpc.keepalive_time_ms': 6_000,
  'grpc.keepalive_timeout_ms': 2_000,
});

/** The etcd3 client an `EtcdRegistry` created, and what it needs to cut its calls on close. */
export interface OwnedEtcdClient {
  readonly client: Etcd3;
  readonly calls: EtcdCallTracker;
}

/**
 * Creates the etcd3 client of an `EtcdRegistry` whose options name `hosts`: bounded retries (one
 * failover per host), no circuit breaker, a quick watch backoff and quick gRPC reconnects, so that
 * calls fail within the request timeout while etcd is down and succeed as soon as it is back.
 * Every call goes through a tracker, so `close()` can cut what etcd does not end in time.
 */
export function createEtcdClient(
  hosts: readonly string[],
  options: Pick<EtcdRegistryOptions, 'auth' | 'credentials'>,
  backoff: BackoffOptions,
): OwnedEtcdClient {
  const calls = etcdCallTracker();
  const client = new Etcd3({
    hosts: [...hosts],
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // etcd3 hands grpcOptions to each gRPC client's constructor, which takes `interceptors` from it.
    grpcOptions: { ...GRPC_OPTIONS, interceptors: [calls.interceptor] },
    faultHandling: {
      host: () => passThroughPolicy(),
      global: boundedRetryPolicy(hosts.length),
      watchBackoff: watchBackoff(backoff),
    },
  });
  return { client, calls };
}
