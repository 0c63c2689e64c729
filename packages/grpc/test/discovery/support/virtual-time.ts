import { expect } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';

/** A `TestScheduler` whose clock the test moves with `advanceTo`. */
export function virtualTime(): { readonly scheduler: TestScheduler; advanceTo(ms: number): void } {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  return {
    scheduler,
    // flush() runs what is due up to maxFrames; the frame is then set to the time reached, as a clock.
    advanceTo(ms: number): void {
      scheduler.maxFrames = ms;
      scheduler.flush();
      scheduler.frame = ms;
    },
  };
}

/** Lets promises and asap-scheduled work run (how the resolver delivers its results). No timer. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
