import type { StepPhase } from './step-phase.js';

// The order the kernel runs them in: a step of a later phase closes every earlier one.
const ORDER: readonly StepPhase[] = [
  'beforeStart',
  'server.start',
  'register',
  'afterStart',
  'beforeStop',
  'deregister',
  'server.stop',
  'afterStop',
];

/**
 * Measures phases made of steps from the step events alone: each event tells its step's end (when it
 * arrives) and duration. Hooks of a phase run one after another, servers and registrars all at
 * once, so a phase lasts from its earliest step start to its latest step end; it is over when a step
 * of a later phase ends (the kernel runs them in `ORDER`) or at `closeAll()` (a state change).
 */
export class PhaseWindows {
  readonly #open = new Map<StepPhase, { from: number; to: number }>();
  readonly #record: (phase: StepPhase, durationMs: number) => void;

  /** @param record Called once per phase with its duration when it is over. */
  constructor(record: (phase: StepPhase, durationMs: number) => void) {
    this.#record = record;
  }

  /** A step of `phase` ran from `from` to `to` (ms). */
  step(phase: StepPhase, from: number, to: number): void {
    const index = ORDER.indexOf(phase);
    for (const earlier of this.#open.keys()) if (ORDER.indexOf(earlier) < index) this.#close(earlier);
    const window = this.#open.get(phase);
    if (window) this.#open.set(phase, { from: Math.min(window.from, from), to: Math.max(window.to, to) });
    else this.#open.set(phase, { from, to });
  }

  /** Records every phase still open. */
  closeAll(): void {
    for (const phase of this.#open.keys()) this.#close(phase);
  }

  #close(phase: StepPhase): void {
    const window = this.#open.get(phase);
    if (!window) return;
    this.#open.delete(phase);
    this.#record(phase, window.to - window.from);
  }
}
