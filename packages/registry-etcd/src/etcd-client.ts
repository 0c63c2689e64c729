import { Etcd3 } from 'etcd3';
import type { BackoffOptions } from './backoff.js';
import type { EtcdRegistryOptions } from './etcd-registry-options.js';
import { boundedRetryPolicy, passThroughPolicy, watchBackoff } from './fault-handling.js';

/**
 * gRPC channel options that make a reconnect quick: a private subchannel per client (gRPC would
 * otherwise share one, with its backoff, between clients), and reconnect backoff capped at 1 s
 * instead of gRPC's 120 s.
 */
export const GRPC_OPTIONS = Object.freeze({
  'grpc.use_local_subchannel_pool': 1,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
});

/**
 * Creates the etcd3 client of an `EtcdRegistry` whose options name `hosts`: bounded retries (one
 * failover per host), no circuit breaker, a quick watch backoff and quick gRPC reconnects, so that
 * calls fail within the request timeout while etcd is down and succeed as soon as it is back.
 */
export function createEtcdClient(
  hosts: readonly string[],
  options: Pick<EtcdRegistryOptions, 'auth' | 'credentials'>,
  backoff: BackoffOptions,
): Etcd3 {
  return new Etcd3({
    hosts: [...hosts],
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    grpcOptions: { ...GRPC_OPTIONS },
    faultHandling: {
      host: () => passThroughPolicy(),
      global: boundedRetryPolicy(hosts.length),
      watchBackoff: watchBackoff(backoff),
    },
  });
}
