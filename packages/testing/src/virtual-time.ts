import { deepStrictEqual } from 'node:assert';
import { setImmediate } from 'node:timers';
import { TestScheduler } from 'rxjs/testing';

// One turn of the event loop: the promises settled by what just ran settle before time moves on.
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How `VirtualTime.runUntil` ended. */
export type VirtualTimeOutcome = 'done' | 'idle' | 'horizon';

/**
 * The virtual-time driver of a virtual kernel: an RxJS `TestScheduler` run instant by instant,
 * each instant's actions in order at their own virtual time, with a turn of the event loop between
 * instants so that `async` code settles as it would in real time.
 */
export class VirtualTime {
  /** The virtual clock every timeout and connected double runs on. */
  readonly scheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));

  /** The current virtual time (ms). */
  now(): number {
    return this.scheduler.now();
  }

  /** Runs `action` at virtual time `ms` (absolute; not before now). */
  at(ms: number, action: () => void): void {
    const delay = ms - this.scheduler.now();
    if (!(delay >= 0)) {
      throw new RangeError(
        `at(${ms}): virtual time is already ${this.scheduler.now()} ms; schedule at a time to come`,
      );
    }
    this.scheduler.schedule(action, delay);
  }

  /** Lets virtual time run to `ms`: everything due by then happens, and promises settle between instants. */
  async advanceTo(ms: number): Promise<void> {
    if (!(ms >= this.scheduler.now())) {
      throw new RangeError(`advanceTo(${ms}): virtual time is already ${this.scheduler.now()} ms`);
    }
    for (;;) {
      await turn();
      const next = this.#nextDue();
      if (next === undefined || next > ms) break;
      this.#flushTo(next);
    }
    this.scheduler.frame = ms;
    await turn();
  }

  /**
   * Lets virtual time run until `done()` holds (`'done'`), nothing more is scheduled (`'idle'`),
   * or the next action is past `horizon` ms from now (`'horizon'`).
   */
  async runUntil(done: () => boolean, horizon: number): Promise<VirtualTimeOutcome> {
    const until = this.scheduler.now() + horizon;
    for (;;) {
      await turn();
      if (done()) return 'done';
      const next = this.#nextDue();
      if (next === undefined) return 'idle';
      if (next > until) return 'horizon';
      this.#flushTo(next);
    }
  }

  /**
   * Like `runUntil` without a horizon, but bounded in steps: for a stop, whose every step has a
   * timeout, so that a double that reschedules itself forever cannot hang the test.
   */
  async settle(done: () => boolean): Promise<void> {
    for (let steps = 0; steps < 100_000 && !done(); steps += 1) {
      await turn();
      const next = this.#nextDue();
      if (done() || next === undefined) break;
      this.#flushTo(next);
    }
  }

  #nextDue(): number | undefined {
    return this.scheduler.actions[0]?.delay;
  }

  /** Runs every action due by `frame`, in order, at its own virtual time. */
  #flushTo(frame: number): void {
    const maxFrames = this.scheduler.maxFrames;
    this.scheduler.maxFrames = frame;
    try {
      this.scheduler.flush();
    } finally {
      this.scheduler.maxFrames = maxFrames;
    }
  }
}
