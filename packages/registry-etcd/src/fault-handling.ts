import { isRecoverableError, type IOptions } from 'etcd3';
import { backoffDelay, type BackoffOptions } from './backoff.js';

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type Policy = NonNullable<FaultHandling['global']>;
type WatchBackoff = NonNullable<FaultHandling['watchBackoff']>;

// etcd3 only ever calls `execute`; the events are part of cockatiel's interface and never fire here.
const noEvent = (): { dispose(): void } => ({ dispose: () => undefined });

/**
 * An etcd3 policy that runs each call once, at most `retries` more times after a recoverable
 * (network) error, a few ms apart. etcd3 picks another host on each retry, so `retries` equal to
 * the number of hosts fails over once through the cluster. Replaces etcd3's default retry policy.
 */
export function boundedRetryPolicy(retries: number): Policy {
  return {
    _altReturn: undefined as never,
    onSuccess: noEvent,
    onFailure: noEvent,
    async execute<T>(
      fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T,
      signal?: AbortSignal,
    ): Promise<T> {
      const context = { signal: signal ?? new AbortController().signal };
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await fn(context);
        } catch (error) {
          if (attempt >= retries || !(error instanceof Error) || !isRecoverableError(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    },
  };
}

/**
 * An etcd3 host policy that lets every call through. It replaces etcd3's default circuit breaker,
 * which stops calling a host for 5 s after three failures and so delays every recovery; our own
 * backoff already spaces the attempts.
 */
export function passThroughPolicy(): Policy {
  return boundedRetryPolicy(0);
}

/**
 * etcd3's watch-reconnect backoff as our capped exponential backoff (etcd3's default waits up to
 * 30 s, and its pending timer outlives `Etcd3.close()`). etcd3 calls `next()` first, so the first
 * reconnect waits `initial`.
 */
export function watchBackoff(options: BackoffOptions = {}, attempt = 1): WatchBackoff {
  return {
    duration: backoffDelay(attempt, options),
    next: () => watchBackoff(options, attempt + 1),
  };
}
