import { Subscription, type SchedulerLike } from 'rxjs';
import { AbortGroup } from './abort-group.js';

interface Deadline {
  readonly group: AbortGroup;
  readonly timer: Subscription;
  members: number;
}

/**
 * Timers shared by the steps of one phase: steps that started at the same instant with the same
 * timeout share one scheduled action instead of one each (2000 servers, usually one timer).
 * A timer is cancelled once no step waits on it.
 */
export class Deadlines {
  readonly #byDueTime = new Map<number, Deadline>();

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Calls `listener` `ms` from now unless the returned function is called first. */
  after(ms: number, listener: () => void): () => void {
    const due = this.scheduler.now() + ms;
    let deadline = this.#byDueTime.get(due);
    if (!deadline) {
      const group = new AbortGroup();
      const created: Deadline = {
        group,
        members: 0,
        timer: this.scheduler.schedule(() => {
          this.#byDueTime.delete(due);
          group.abort();
        }, ms),
      };
      this.#byDueTime.set(due, created);
      deadline = created;
    }
    const joined = deadline;
    joined.members += 1;
    const leave = joined.group.join(listener);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      leave();
      joined.members -= 1;
      if (joined.members === 0 && !joined.group.aborted) {
        joined.timer.unsubscribe();
        this.#byDueTime.delete(due);
      }
    };
  }
}
