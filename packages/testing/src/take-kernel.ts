import {
  KRATOS_SCHEDULER,
  KratosError,
  LifecycleKernel,
  LOGGER,
  PROCESS_EXIT,
  PROCESS_EXIT_CODE,
  SIGNAL_SOURCE,
  UNCAUGHT_ERROR_SOURCE,
  type Logger,
  type SignalSource,
  type UncaughtErrorSource,
} from '@kratos-ts/core';
import type { Container, ServiceIdentifier } from 'inversify';
import type { SchedulerLike } from 'rxjs';
import { containerState, describeToken, rebindOrBind } from './container-state.js';
import { fakeProcess, type FakeProcess } from './fake-process.js';
import { recordingLogger, type RecordingLogger } from './recording-logger.js';
import { TestingErrorCode } from './testing-error-codes.js';

/**
 * A kernel resolved from a container after its process-facing dependencies were replaced by a
 * `FakeProcess` (bound to `SIGNAL_SOURCE`, `UNCAUGHT_ERROR_SOURCE`, `PROCESS_EXIT` and `PROCESS_EXIT_CODE`).
 */
export interface TakenKernel extends FakeProcess {
  readonly kernel: LifecycleKernel;
  /** Bound to `LOGGER` when the container had none; `undefined` when the app brings its own. */
  readonly logger: RecordingLogger | undefined;
}

/** What `takeKernel` needs besides the container. */
export interface TakeKernelOptions {
  /** Bound to `KRATOS_SCHEDULER` when given (a virtual kernel's scheduler). */
  readonly scheduler?: SchedulerLike;
  /** What the recording logger stamps its lines with. */
  readonly now: () => number;
}

/**
 * Rebinds `SIGNAL_SOURCE` (fake signals), `UNCAUGHT_ERROR_SOURCE` (fake uncaught errors),
 * `PROCESS_EXIT` and `PROCESS_EXIT_CODE` (record instead of touching the process), `LOGGER` (a
 * recording logger, only when unbound) and `KRATOS_SCHEDULER` (when asked), then resolves the
 * container's `LifecycleKernel`, making sure it was built now, with those bindings and every
 * `override`, rather than earlier without them.
 */
export function takeKernel(
  container: Container,
  by: 'startTestApp' | 'virtualKernel',
  options: TakeKernelOptions,
): TakenKernel {
  const state = containerState(container);
  if (state.takenBy !== undefined) {
    throw new KratosError(
      TestingErrorCode.TooLate,
      `${by}() was given a container whose kernel ${state.takenBy}() already took: a LifecycleKernel runs once. Build a new container for each app under test (a factory function that wires the app).`,
    );
  }
  if (!container.isBound(LifecycleKernel)) {
    throw new KratosError(
      TestingErrorCode.NoKernel,
      `${by}() was given a container without a LifecycleKernel: it loads nothing by itself. Load the kernel module into the container first: container.load(kratosModule) or container.load(createKratosModule({ servers, hooks })).`,
    );
  }
  if (state.kernelResolutions > 0) throw resolvedEarly(by, state.overridden);

  const fake = fakeProcess();
  rebindOrBind<SignalSource>(container, SIGNAL_SOURCE).toConstantValue(fake.signals);
  rebindOrBind<UncaughtErrorSource>(container, UNCAUGHT_ERROR_SOURCE).toConstantValue(fake.uncaughtErrors);
  rebindOrBind<(code: number) => void>(container, PROCESS_EXIT).toConstantValue(fake.exit);
  rebindOrBind<(code: number) => void>(container, PROCESS_EXIT_CODE).toConstantValue(fake.setExitCode);
  let logger: RecordingLogger | undefined;
  if (!container.isBound(LOGGER)) {
    logger = recordingLogger(options.now);
    container.bind<Logger>(LOGGER).toConstantValue(logger);
  }
  if (options.scheduler)
    rebindOrBind<SchedulerLike>(container, KRATOS_SCHEDULER).toConstantValue(options.scheduler);

  const before = state.kernelResolutions;
  const kernel = container.get(LifecycleKernel);
  if (state.kernelResolutions === before) throw resolvedEarly(by, state.overridden);
  state.takenBy = by;
  return { ...fake, kernel, logger };
}

function resolvedEarly(by: string, overridden: readonly ServiceIdentifier[]): KratosError {
  const doubles = [
    'fake signals and uncaught errors instead of the process’s',
    'no process.exit',
    ...overridden.map((token) => `override(${describeToken(token)})`),
  ].join(', ');
  return new KratosError(
    TestingErrorCode.TooLate,
    `The LifecycleKernel of the container given to ${by}() was resolved before ${by}() could give it its test doubles (${doubles}): the servers, registrars and hooks it holds keep the real dependencies. Build the container, call override(), then ${by}(), and resolve nothing from the container in between.`,
  );
}
