import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';

/** One entry of a `DeadlineQueue`: `cancel()` it when the work finishes first. */
export interface Deadline {
  /** When it expires, on the queue's scheduler clock. */
  readonly at: number;
  /** The deadline no longer matters (the work finished): it will not fire. */
  cancel(): void;
}

interface Entry extends Deadline {
  onExpire: (() => void) | undefined;
}

/**
 * The deadlines of many requests that all share one `timeout`, on one timer. Since every deadline
 * is `now + timeout`, they expire in the order they were added: a FIFO whose head is the next to
 * expire, with one timer set for it. A request pays a push and a flag instead of a timer of its
 * own (rxjs's `asyncScheduler` sets and clears a `setInterval` per action, a large part of the
 * client's cost per request). A cancelled entry keeps only its time until the head reaches it.
 *
 * On the default `asyncScheduler` the one timer is a Node timer that is never cleared between
 * requests: it is refreshed when a deadline arrives in an empty queue, and unref'd (it no longer
 * holds the process) when the queue empties. Any other scheduler (a virtual one in tests) gets a
 * `schedule()` per head.
 */
export class DeadlineQueue {
  readonly #scheduler: SchedulerLike;
  readonly #timeout: number;
  #entries: Entry[] = [];
  #head = 0;
  // The scheduler's timer (other schedulers), or the Node timer (asyncScheduler) and its delay.
  #scheduled: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerDelay = 0;
  #timerAt = Number.POSITIVE_INFINITY;
  readonly #fire = (): void => this.#expire();

  constructor(scheduler: SchedulerLike, timeout: number) {
    this.#scheduler = scheduler;
    this.#timeout = timeout;
  }

  /** Calls `onExpire` `timeout` ms from now, unless the returned deadline is cancelled first. */
  add(onExpire: () => void): Deadline {
    const entry: Entry = {
      at: this.#scheduler.now() + this.#timeout,
      onExpire,
      cancel: () => {
        entry.onExpire = undefined;
        // The head finishing first (one caller at a time) leaves nothing behind.
        if (this.#entries[this.#head] === entry) this.#dropCancelledHead();
      },
    };
    const wasEmpty = this.#head === this.#entries.length;
    this.#entries.push(entry);
    if (wasEmpty) this.#arm(entry.at, true);
    return entry;
  }

  /** Cancels the timer; pending deadlines never fire. */
  clear(): void {
    this.#scheduled?.unsubscribe();
    this.#scheduled = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#entries = [];
    this.#head = 0;
  }

  #dropCancelledHead(): void {
    while (this.#head < this.#entries.length && this.#entries[this.#head]!.onExpire === undefined) {
      this.#head += 1;
    }
    this.#compact();
    if (this.#head === this.#entries.length) this.#disarm();
  }

  // Sets the timer for `at` (the head's time). A timer already set for an earlier time is kept:
  // it fires, finds the head not yet due, and sets itself again.
  #arm(at: number, fresh: boolean): void {
    if (this.#scheduler !== asyncScheduler) {
      if (this.#scheduled && this.#timerAt <= at) return;
      this.#scheduled?.unsubscribe();
      this.#timerAt = at;
      this.#scheduled = this.#scheduler.schedule(this.#fire, Math.max(0, at - this.#scheduler.now()));
      return;
    }
    // A deadline arriving in an empty queue is exactly `timeout` away: refresh the idle timer.
    if (fresh && this.#timer && this.#timerDelay === this.#timeout) {
      this.#timer.refresh();
      this.#timer.ref();
      this.#timerAt = at;
      return;
    }
    if (this.#timer && this.#timerAt <= at) {
      this.#timer.ref();
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerDelay = fresh ? this.#timeout : Math.max(1, at - this.#scheduler.now());
    this.#timerAt = at;
    this.#timer = setTimeout(this.#fire, this.#timerDelay);
  }

  // Nothing pending: no timer may hold the process (nor fire for nothing in virtual time).
  #disarm(): void {
    this.#scheduled?.unsubscribe();
    this.#scheduled = undefined;
    this.#timer?.unref();
  }

  #expire(): void {
    this.#scheduled = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#scheduler.now();
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head]!;
      if (entry.onExpire !== undefined && entry.at > now) break;
      this.#head += 1;
      const onExpire = entry.onExpire;
      entry.onExpire = undefined;
      onExpire?.();
    }
    this.#compact();
    const head = this.#entries[this.#head];
    if (head) this.#arm(head.at, false);
    else this.#timer?.unref();
  }

  // Drops the consumed prefix once it outweighs the rest, so the array stays small.
  #compact(): void {
    if (this.#head === this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
