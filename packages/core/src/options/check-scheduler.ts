import { checkMethods } from './check-methods.js';

/**
 * Checks an optional RxJS scheduler: `undefined` passes, anything else must have `now()` and
 * `schedule()`. Pushes
 * `scheduler must be an RxJS SchedulerLike with now() and schedule(), got an object: leave it out outside tests`;
 * `true` when valid.
 */
export function checkScheduler(problems: string[], name: string, value: unknown): boolean {
  return checkMethods(problems, name, value, ['now', 'schedule'], 'an RxJS SchedulerLike', {
    hint: 'leave it out outside tests',
  });
}
