import type { LifecycleEvent } from '../contracts/lifecycle-event.js';

/**
 * A phase of the lifecycle made of steps, as the `phase` attribute of
 * `kratos.lifecycle.phase.duration` and the `kratos.lifecycle.phase` of a step's span name it.
 */
export type StepPhase =
  | 'beforeStart'
  | 'server.start'
  | 'register'
  | 'afterStart'
  | 'beforeStop'
  | 'deregister'
  | 'server.stop'
  | 'afterStop';

/** A step event: a hook, a server's start or stop, a (de)registration. */
export type StepLifecycleEvent = Extract<
  LifecycleEvent,
  { type: 'hook' | 'server-start' | 'server-stop' | 'register' | 'deregister' }
>;

/** The phase a step event belongs to. */
export function stepPhase(event: StepLifecycleEvent): StepPhase {
  switch (event.type) {
    case 'hook':
      return event.phase;
    case 'server-start':
      return 'server.start';
    case 'server-stop':
      return 'server.stop';
    default:
      return event.type;
  }
}

/** Whether a phase belongs to the start (its spans are children of `kratos.start`). */
export function isStartPhase(phase: StepPhase): boolean {
  return (
    phase === 'beforeStart' || phase === 'server.start' || phase === 'register' || phase === 'afterStart'
  );
}
