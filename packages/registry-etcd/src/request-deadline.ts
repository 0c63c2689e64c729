/**
 * etcd3 call options whose `deadline` is `requestTimeout` ms from each time it is read. etcd3 hands
 * the same options object to every attempt of a call (the failover retry of `boundedRetryPolicy`),
 * and gRPC reads `deadline` when an attempt starts: a fixed `Date` would give the retry a deadline
 * that already expired (`DEADLINE_EXCEEDED after 0.000s`). So each attempt gets its own
 * `requestTimeout`, and a call fails within (hosts + 1) × `requestTimeout`.
 *
 * @example
 * client.get(key).options(requestDeadline(3_000)).string();
 */
export function requestDeadline(
  requestTimeout: number,
  now: () => number = Date.now,
): { readonly deadline: Date } {
  return {
    get deadline(): Date {
      return new Date(now() + requestTimeout);
    },
  };
}
