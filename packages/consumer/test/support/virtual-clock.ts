import { deepStrictEqual } from 'node:assert';
import { setImmediate } from 'node:timers';
import type { SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

// One turn of the event loop: the promises settled by what just ran settle before time moves on.
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A TestScheduler run instant by instant, with a turn of the event loop between instants, so that
 * promise-based code (the drain, the handlers) runs in virtual time as it would in real time.
 */
export class VirtualClock {
  readonly scheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
  readonly timeline: string[] = [];

  now(): number {
    return this.scheduler.now();
  }

  /** Adds `"<now> <what>"` to the timeline. */
  mark(what: string): void {
    this.timeline.push(`${this.now()} ${what}`);
  }

  /** Runs `action` at virtual time `ms`. */
  at(ms: number, action: () => void): void {
    this.scheduler.schedule(action, ms - this.now());
  }

  /** A promise resolved `ms` from now; rejects with the signal's reason if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this.scheduler, ms, signal);
  }

  /** An AbortSignal that aborts at virtual time `ms`. */
  signalAt(ms: number): AbortSignal {
    const controller = new AbortController();
    this.at(ms, () => controller.abort(new Error(`stopTimeout at ${ms}`)));
    return controller.signal;
  }

  /** Lets virtual time run to `ms`, settling promises between instants. */
  async advanceTo(ms: number): Promise<void> {
    for (;;) {
      await turn();
      const next = this.scheduler.actions[0]?.delay;
      if (next === undefined || next > ms) break;
      const maxFrames = this.scheduler.maxFrames;
      this.scheduler.maxFrames = next;
      try {
        this.scheduler.flush();
      } finally {
        this.scheduler.maxFrames = maxFrames;
      }
    }
    this.scheduler.frame = ms;
    await turn();
  }
}

/** A promise resolved `ms` from now on `scheduler`; rejects with the signal's reason if `signal` aborts first. */
export function sleepOn(scheduler: SchedulerLike, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const action = scheduler.schedule(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      action.unsubscribe();
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
