import { Observable, type SchedulerLike } from 'rxjs';
import type { TransportServer } from '../../src/index.js';

/** How a fake step behaves in virtual time. */
export interface FakeStep {
  /** Virtual ms until it settles. Default 0. */
  readonly ms?: number;
  /** Rejects with this instead of resolving. */
  readonly fails?: Error;
  /** Never settles by itself. */
  readonly hangs?: boolean;
  /** When its signal aborts: `reject` at once (default), `resolve` at once, or `ignore` it. */
  readonly onAbort?: 'reject' | 'resolve' | 'ignore';
  /** What it rejects with when its signal aborts. Default: the signal's reason. */
  readonly abortError?: Error;
}

/** A step as an Observable on the given scheduler, recording what happens to it. */
export function fakeStep(
  step: FakeStep,
  signal: AbortSignal,
  scheduler: SchedulerLike,
  record: (what: string) => void,
): Observable<void> {
  return new Observable<void>((subscriber) => {
    let settled = false;
    const settle = (how: 'resolve' | 'reject', error?: unknown): void => {
      // Like a real step, one that has settled no longer hears its signal (which a step sharing
      // its deadline may still abort).
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      record(how === 'resolve' ? 'resolved' : 'rejected');
      if (how === 'resolve') subscriber.complete();
      else subscriber.error(error);
    };
    const onAbort = (): void => {
      record('aborted');
      const reaction = step.onAbort ?? 'reject';
      if (reaction === 'reject') settle('reject', step.abortError ?? signal.reason);
      if (reaction === 'resolve') settle('resolve');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = step.hangs
      ? undefined
      : scheduler.schedule(
          () => (step.fails ? settle('reject', step.fails) : settle('resolve')),
          step.ms ?? 0,
        );
    return () => {
      signal.removeEventListener('abort', onAbort);
      timer?.unsubscribe();
    };
  });
}

/** A `TransportServer` whose start and stop run in virtual time and are recorded. */
export class FakeServer implements TransportServer {
  readonly starts: number[] = [];
  readonly stops: number[] = [];
  startSignal: AbortSignal | undefined;
  stopSignal: AbortSignal | undefined;

  constructor(
    readonly name: string,
    private readonly scheduler: SchedulerLike,
    private readonly record: (what: string) => void,
    readonly startStep: FakeStep = {},
    readonly stopStep: FakeStep = {},
    private readonly endpointValue: string | undefined = `fake://127.0.0.1/${name}`,
  ) {}

  start(signal: AbortSignal): Observable<void> {
    this.starts.push(this.scheduler.now());
    this.startSignal = signal;
    this.record(`${this.name} start`);
    return fakeStep(this.startStep, signal, this.scheduler, (what) =>
      this.record(`${this.name} start ${what}`),
    );
  }

  stop(signal: AbortSignal): Observable<void> {
    this.stops.push(this.scheduler.now());
    this.stopSignal = signal;
    this.record(`${this.name} stop`);
    return fakeStep(this.stopStep, signal, this.scheduler, (what) =>
      this.record(`${this.name} stop ${what}`),
    );
  }

  endpoint(): string | undefined {
    this.record(`${this.name} endpoint`);
    return this.endpointValue;
  }
}
