import { fakeSignals, type FakeSignals } from './fake-signals.js';
import { fakeUncaughtErrors, type FakeUncaughtErrors } from './fake-uncaught-errors.js';

/**
 * What a kernel under test gets instead of the process: signals and uncaught errors a test emits,
 * and the exit codes it records instead of ending the process. `startTestApp` and `virtualKernel`
 * (from a container or from parts) each give their kernel one.
 */
export interface FakeProcess {
  /** The kernel's `SIGNAL_SOURCE`: it hears no process signal, only these. */
  readonly signals: FakeSignals;
  /** The kernel's `UNCAUGHT_ERROR_SOURCE`: it hears no process-wide uncaught error, only these. */
  readonly uncaughtErrors: FakeUncaughtErrors;
  /** The codes the kernel would have exited with at once (`exit`). */
  readonly exits: number[];
  /** The exit codes the kernel set for the process's end, after an uncaught error (`setExitCode`). */
  readonly exitCodes: number[];
  /** The kernel's `PROCESS_EXIT`: records the code in `exits`. */
  readonly exit: (code: number) => void;
  /** The kernel's `PROCESS_EXIT_CODE`: records the code in `exitCodes`. */
  readonly setExitCode: (code: number) => void;
}

/** A fresh `FakeProcess`: nothing emitted, nothing recorded yet. */
export function fakeProcess(): FakeProcess {
  const exits: number[] = [];
  const exitCodes: number[] = [];
  return {
    signals: fakeSignals(),
    uncaughtErrors: fakeUncaughtErrors(),
    exits,
    exitCodes,
    exit: (code) => void exits.push(code),
    setExitCode: (code) => void exitCodes.push(code),
  };
}
