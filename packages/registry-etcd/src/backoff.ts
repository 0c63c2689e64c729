import {
  defer,
  race,
  retry,
  take,
  throwError,
  timer,
  type MonoTypeOperatorFunction,
  type Observable,
  type SchedulerLike,
} from 'rxjs';

/** A capped exponential backoff with jitter. Every duration is in milliseconds. */
export interface BackoffOptions {
  /** The delay before the second retry (the first one is immediate); each further retry doubles it. Default 200. */
  readonly initial?: number;
  /** The cap of the delay. Default 2000, so a recovery follows etcd's return within about 2 s. */
  readonly max?: number;
  /** Fraction (0–1) of each delay taken off at random, so instances do not retry in step. Default 0.2. */
  readonly jitter?: number;
  /** Source of randomness in [0, 1). Default `Math.random`; tests pass a constant. */
  readonly random?: () => number;
}

/** The defaults of `BackoffOptions`. */
export const BACKOFF_DEFAULTS = Object.freeze({
  /** The delay before the second retry, in ms (the first retry is immediate). */
  initial: 200,
  /** The cap of the delay, in ms. */
  max: 2_000,
  /** Up to 20 % of each delay is taken off at random. */
  jitter: 0.2,
  /** The source of that randomness. */
  random: Math.random,
});

/**
 * The delay before retry number `attempt` (1 for the first retry): `0` for the first, since a lost
 * lease is best re-granted at once, then `initial · 2^(attempt − 2)` capped at `max`, minus up to
 * `jitter` of it at random. Never negative, never above `max`.
 *
 * @example
 * backoffDelay(1, { initial: 200, max: 2000, jitter: 0 }); // 0
 * backoffDelay(2, { initial: 200, max: 2000, jitter: 0 }); // 200
 * backoffDelay(9, { initial: 200, max: 2000, jitter: 0 }); // 2000
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initial, max, jitter, random } = { ...BACKOFF_DEFAULTS, ...options };
  if (attempt <= 1) return 0;
  // Cap the exponent too, so a retry running for days never overflows to Infinity.
  const exponential = Math.min(max, initial * 2 ** Math.min(attempt - 2, 52));
  const spread = Math.min(Math.max(jitter, 0), 1);
  return Math.max(0, Math.round(exponential * (1 - spread * random())));
}

/** What `retryWithBackoff` reports before each retry. */
export interface RetryNotice {
  /** The error that ended the previous attempt. */
  readonly error: unknown;
  /** 1 for the first retry; back to 1 after every success. */
  readonly attempt: number;
  /** How long the retry waits, in milliseconds. */
  readonly delay: number;
}

/** What `retryWithBackoff` takes. */
export interface RetryWithBackoffOptions {
  readonly backoff?: BackoffOptions;
  /** Where the delays run. Default: RxJS' `asyncScheduler`; tests pass a `TestScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Whether to retry after `error`; default always. Returning `false` lets the error through. */
  readonly shouldRetry?: (error: unknown) => boolean;
  /** Called before every retry, e.g. to log it. */
  readonly onRetry?: (notice: RetryNotice) => void;
  /**
   * Whether a value from the source starts the attempt count over. Default `true`. Pass `false`
   * when the source emits before it can fail (a read, then a watch), so that a watch failing right
   * after each read backs off instead of looping at once.
   */
  readonly resetOnSuccess?: boolean;
  /**
   * Subscribed while a delay is waited out: its first value ends the wait at once. E.g. a probe
   * that emits when etcd answers again, so a recovery does not wait for the rest of a 2 s backoff.
   * Default: every delay is waited out.
   */
  readonly wakeUp?: () => Observable<unknown>;
}

/**
 * Resubscribes to the source after every error, forever, waiting `backoffDelay(attempt)` between
 * attempts; the attempt count starts over after each value the source emits (a success), unless
 * `resetOnSuccess` is `false`. A value of `wakeUp` ends a wait early.
 *
 * @example
 * grantAndPut$.pipe(retryWithBackoff({ backoff: { max: 2000 }, onRetry: ({ attempt }) => log(attempt) }));
 */
export function retryWithBackoff<T>(options: RetryWithBackoffOptions = {}): MonoTypeOperatorFunction<T> {
  return retry<T>({
    resetOnSuccess: options.resetOnSuccess ?? true,
    delay: (error: unknown, attempt: number): Observable<unknown> => {
      if (options.shouldRetry && !options.shouldRetry(error)) return throwError(() => error);
      const delay = backoffDelay(attempt, options.backoff);
      return defer(() => {
        options.onRetry?.({ error, attempt, delay });
        const wait = timer(delay, options.scheduler);
        return delay > 0 && options.wakeUp ? race(wait, options.wakeUp().pipe(take(1))) : wait;
      });
    },
  });
}
