import {
  asyncScheduler,
  defer,
  map,
  retry,
  take,
  timer,
  type Observable,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';

/** How often `answerProbe` asks again after a failed probe, in ms, by default. */
export const PROBE_INTERVAL_MS = 100;

/** What `answerProbe` takes. */
export interface AnswerProbeOptions {
  /** The wait after a failed probe before the next, in ms. Default `PROBE_INTERVAL_MS`. */
  readonly interval?: number;
  /** Where the waits run. Default RxJS' `asyncScheduler`; tests pass a `TestScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Emits once and completes as soon as `probe` answers (resolves or emits): runs it, and after each failure runs it
 * again `interval` ms later, until unsubscribed. At most one probe is in flight, so a frozen etcd
 * costs one pending request, answered the moment it resumes. `probe` resolves when the registry
 * answered at all (a refusal is an answer) and fails when it did not.
 *
 * @example
 * timer(2_000).pipe(raceWith(answerProbe(() => client.get(key).count()))); // ends early once etcd answers
 */
export function answerProbe(
  probe: () => ObservableInput<unknown>,
  options: AnswerProbeOptions = {},
): Observable<void> {
  const interval = options.interval ?? PROBE_INTERVAL_MS;
  const scheduler = options.scheduler ?? asyncScheduler;
  return defer(probe).pipe(
    retry({ delay: () => timer(interval, scheduler) }),
    take(1),
    map((): void => undefined),
  );
}
